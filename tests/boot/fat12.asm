; A FAT12 boot sector: the runner formats a 1.44 MB floppy with mtools
; around it (mformat -B keeps this code and writes the BIOS parameter
; block), copies files so that POEM.TXT ends up in pieces, and boots it
; with SeaBIOS (ember -fda). From the BPB alone it finds the FAT and the
; root directory, reads both with INT 13h AH=02h, looks up POEM.TXT,
; follows its cluster chain through the FAT's 12-bit entries and prints
; the file's bytes over port 0xE9; the runner compares them with the file.
; Errors print "FAT12 boot: X" (R read, N not found, C bad cluster,
; S too big) and exit with 0x7F.
org 0x7C00
bits 16

BPB_SECTORS_PER_CLUSTER equ 0x7C0D
BPB_RESERVED            equ 0x7C0E
BPB_FATS                equ 0x7C10
BPB_ROOT_ENTRIES        equ 0x7C11
BPB_SECTORS_PER_FAT     equ 0x7C16
BPB_SECTORS_PER_TRACK   equ 0x7C18
BPB_HEADS               equ 0x7C1A

FAT_BUF     equ 0x1000          ; up to 12 sectors
ROOT_BUF    equ 0x2800          ; up to 14 sectors (224 entries)
FILE_BUF    equ 0x8000          ; up to 32 KiB
FILE_MAX    equ 0x8000

    jmp short start
    nop
    times 0x3E - ($ - $$) db 0  ; OEM name and BPB: mformat writes them

start:
    jmp 0:.cs_zero
.cs_zero:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7C00
    sti
    cld
    mov [drive], dl

    ; The first FAT, right after the reserved sectors.
    mov ax, [BPB_RESERVED]
    mov cx, [BPB_SECTORS_PER_FAT]
    mov bx, FAT_BUF
    call read
    ; The root directory after all FATs; 16 entries per sector.
    mov al, [BPB_FATS]
    cbw
    mul word [BPB_SECTORS_PER_FAT]
    add ax, [BPB_RESERVED]
    mov cx, [BPB_ROOT_ENTRIES]
    shr cx, 4
    mov bx, ROOT_BUF
    call read                   ; AX = the first data sector after it
    mov [data_lba], ax

    mov si, ROOT_BUF
    mov dx, [BPB_ROOT_ENTRIES]
.search:
    mov al, 'N'
    cmp byte [si], 0            ; the end of the directory
    je die
    push si
    mov di, file_name
    mov cx, 11
    repe cmpsb
    pop si
    je .found
    add si, 32
    dec dx
    jnz .search
    jmp die
.found:
    mov al, 'S'
    cmp word [si + 30], 0       ; size: the high word must be 0 and
    jne die
    mov cx, [si + 28]           ; the file must fit FILE_BUF
    cmp cx, FILE_MAX
    ja die
    jcxz die
    mov [file_size], cx
    mov ax, [si + 26]           ; the first cluster
    mov bx, FILE_BUF
.cluster:
    cmp ax, 0xFF8               ; end of chain
    jae .loaded
    mov dl, 'C'
    cmp ax, 2
    jb die_dl
    cmp bx, FILE_BUF + FILE_MAX - 512
    jae die_dl
    push ax
    sub ax, 2
    mov cl, [BPB_SECTORS_PER_CLUSTER]
    xor ch, ch
    mul cx
    add ax, [data_lba]
    call read
    pop ax
    ; The next cluster: 12 bits at byte offset cluster * 3 / 2, the high
    ; 12 bits of the word for an odd cluster, the low 12 for an even one.
    mov si, ax
    shr si, 1
    add si, ax
    mov dx, [FAT_BUF + si]
    test al, 1
    jz .even
    shr dx, 4
.even:
    and dx, 0x0FFF
    mov ax, dx
    jmp .cluster
.loaded:
    mov al, 'S'
    mov cx, [file_size]
    mov dx, bx
    sub dx, FILE_BUF
    cmp dx, cx                  ; the chain must hold the whole file
    jb die
    mov si, FILE_BUF
.print:
    lodsb
    out 0xE9, al
    loop .print
    xor al, al
    out 0xF4, al
    cli
    hlt

die_dl:
    mov al, dl
; AL = the reason letter.
die:
    mov si, failed
    mov ah, al
.put:
    lodsb
    test al, al
    jz .end
    out 0xE9, al
    jmp .put
.end:
    mov al, ah
    out 0xE9, al
    mov al, 10
    out 0xE9, al
    mov al, 0x7F
    out 0xF4, al
    cli
    hlt

; Read CX sectors from LBA AX to 0000:BX, one at a time (CHS from the
; BPB's geometry), three tries each. Returns AX past them and BX after
; them; CX, DX, DI are lost.
read:
    push ax
    push cx
    xor dx, dx
    div word [BPB_SECTORS_PER_TRACK]
    mov cl, dl
    inc cl                      ; sector
    xor dx, dx
    div word [BPB_HEADS]        ; AX = cylinder, DX = head
    mov ch, al
    shl ah, 6
    or cl, ah
    mov dh, dl
    mov dl, [drive]
    mov di, 3
.try:
    mov ax, 0x0201
    int 0x13
    jnc .done
    xor ah, ah
    int 0x13
    dec di
    jnz .try
    mov al, 'R'
    jmp die
.done:
    pop cx
    pop ax
    inc ax
    add bx, 512
    loop read
    ret

failed:     db "FAT12 boot: ", 0
file_name:  db "POEM    TXT"
drive:      db 0
data_lba:   dw 0
file_size:  dw 0

%if $ - $$ > 510
  %error "the boot sector is too big"
%endif
    times 510 - ($ - $$) db 0
    dw 0xAA55
