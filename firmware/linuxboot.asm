; ember's Linux loader option ROM: boots the -kernel given on the command
; line through the BIOS, the way QEMU does it. SeaBIOS finds this ROM as the
; fw_cfg file "genroms/linuxboot.bin", copies it below 1 MiB, calls its
; initialisation entry, and adds its PnP bootstrap entry vector (BEV) to the
; boot list, first when the fw_cfg "bootorder" file names
; "/rom@genroms/linuxboot.bin" first (the emulator puts it there).
;
; At boot time the ROM copies what the emulator prepared (firmware/
; linux_boot.c) from fw_cfg into memory with fw_cfg DMA: the kernel's
; real-mode part (its setup header already filled in: loader type, command
; line pointer, heap end, initrd address and size) to FW_CFG_SETUP_ADDR,
; the protected-mode part to FW_CFG_KERNEL_ADDR, the command line to
; FW_CFG_CMDLINE_ADDR and the initrd to FW_CFG_INITRD_ADDR, after checking
; with INT 15h E820 that the BIOS left that range as usable RAM. Then it
; starts the real-mode setup code as the 16-bit boot protocol asks:
; DS = ES = FS = GS = SS = the setup segment, SP at the end of its heap,
; interrupts off, a far jump to the segment + 0x20 at offset 0. The setup
; code takes the memory map (E820), the video mode and the rest from the
; BIOS, as it does on a real PC.
;
; References: Linux Documentation/arch/x86/boot.rst (the real-mode boot
; protocol), QEMU docs/specs/fw_cfg.rst (keys, the DMA interface: a
; big-endian FWCfgDmaAccess { be32 control, be32 length, be64 address }
; whose physical address is written big endian to ports 0x514 (high half)
; and 0x518 (low half, which starts the transfer)), the BIOS Boot
; Specification 1.01 and the Plug and Play BIOS Specification 1.0A (the
; option ROM and PnP expansion headers), SeaBIOS src/optionroms.c (how
; "genroms/" files are run). The emulator fills in the two checksums (the
; PnP header's and the whole ROM's last byte) when it hands the ROM over.

bits 16
cpu 686
org 0

FW_CFG_SEL          equ 0x510
FW_CFG_DATA         equ 0x511
FW_CFG_DMA_HIGH     equ 0x514
FW_CFG_DMA_LOW      equ 0x518
DEBUG_CONSOLE       equ 0xE9

KEY_SIGNATURE       equ 0x00
KEY_ID              equ 0x01
KEY_KERNEL_ADDR     equ 0x07
KEY_KERNEL_SIZE     equ 0x08
KEY_INITRD_ADDR     equ 0x0A
KEY_INITRD_SIZE     equ 0x0B
KEY_KERNEL_DATA     equ 0x11
KEY_INITRD_DATA     equ 0x12
KEY_CMDLINE_ADDR    equ 0x13
KEY_CMDLINE_SIZE    equ 0x14
KEY_CMDLINE_DATA    equ 0x15
KEY_SETUP_ADDR      equ 0x16
KEY_SETUP_SIZE      equ 0x17
KEY_SETUP_DATA      equ 0x18

ID_DMA              equ 0x02        ; FW_CFG_ID: the DMA interface exists
DMA_CTL_ERROR       equ 0x01
DMA_CTL_READ        equ 0x02
DMA_CTL_SELECT      equ 0x08

E820_SMAP           equ 0x534D4150  ; 'SMAP'
E820_RAM            equ 1

HDR_HEAP_END_PTR    equ 0x224       ; setup header: end of the setup heap - 0x200

; Scratch memory at 0x20000, above the real-mode kernel (0x10000) and its
; command line (0x1E000): the DMA descriptor, one E820 entry, variables,
; and this ROM's stack at the top of the segment.
SCRATCH_SEG         equ 0x2000
DMA_DESC            equ 0x00        ; 16 bytes
E820_ENTRY          equ 0x10        ; 20 bytes: base, length (64 bits each), type
INITRD_ADDR         equ 0x30
INITRD_SIZE         equ 0x34
STACK_TOP           equ 0xFFF0

rom_start:
        db 0x55, 0xAA               ; option ROM signature
        db rom_blocks               ; length in 512-byte blocks
        jmp init                    ; offset 3: initialisation entry
        times 0x18 - ($ - $$) db 0
        dw 0                        ; 0x18: no PCI data structure
        dw pnp_header               ; 0x1A: the PnP expansion header

        align 16, db 0
pnp_header:
        db '$PnP'
        db 1                        ; structure revision
        db 2                        ; length, 16-byte units
        dw 0                        ; next header: none
        db 0                        ; reserved
        db 0                        ; checksum of these 32 bytes (emulator)
        dd 0                        ; device identifier
        dw manufacturer
        dw product
        db 0, 0, 0                  ; device type code
        db 0                        ; device indicators
        dw 0                        ; boot connection vector: none
        dw 0                        ; disconnect vector: none
        dw boot                     ; bootstrap entry vector
        dw 0                        ; reserved
        dw 0                        ; static resource information vector

manufacturer:   db 'ember', 0
product:        db 'Linux kernel (-kernel)', 0

; Initialisation at POST: nothing to set up until the boot.
init:
        xor ax, ax
        retf

; The bootstrap entry: load everything, then start the kernel's setup.
boot:
        cli
        cld
        mov ax, SCRATCH_SEG
        mov ss, ax
        mov sp, STACK_TOP
        mov es, ax                  ; ES: the scratch segment from here on
        push cs
        pop ds                      ; DS: this ROM (its messages)
        sti

        mov ax, KEY_SIGNATURE
        call cfg_read32
        cmp eax, 'QEMU'
        jne .no_fw_cfg
        mov ax, KEY_ID
        call cfg_read32
        test al, ID_DMA
        jz .no_dma

        mov bx, KEY_SETUP_ADDR
        call load_item              ; the real-mode part (setup header filled in)
        mov bx, KEY_KERNEL_ADDR
        call load_item              ; the protected-mode part
        mov bx, KEY_CMDLINE_ADDR
        call load_item              ; the command line, NUL included

        mov ax, KEY_INITRD_SIZE
        call cfg_read32
        test eax, eax
        jz .start
        mov [es:INITRD_SIZE], eax
        mov ax, KEY_INITRD_ADDR
        call cfg_read32
        mov [es:INITRD_ADDR], eax
        call initrd_in_ram
        jc .no_room
        mov edi, [es:INITRD_ADDR]
        mov ecx, [es:INITRD_SIZE]
        mov ax, KEY_INITRD_DATA
        call dma_read

.start:
        mov ax, KEY_SETUP_ADDR
        call cfg_read32
        shr eax, 4
        mov bx, ax                  ; the setup segment
        cli
        mov ds, bx
        mov es, bx
        mov fs, bx
        mov gs, bx
        mov ss, bx
        mov sp, [HDR_HEAP_END_PTR]
        add sp, 0x200
        add bx, 0x20
        push bx
        push word 0
        retf                        ; to setup segment + 0x20 : 0

.no_fw_cfg:
        mov si, msg_no_fw_cfg
        jmp fail
.no_dma:
        mov si, msg_no_dma
        jmp fail
.no_room:
        mov si, msg_no_room
        jmp fail

; Read the first four bytes of item AX, little endian, into EAX.
; Clobbers CX, DX.
cfg_read32:
        mov dx, FW_CFG_SEL
        out dx, ax
        mov dx, FW_CFG_DATA
        mov cx, 4
.byte:
        in al, dx
        ror eax, 8                  ; after four bytes the first is lowest
        loop .byte
        ret

; BX = an address key; BX + 1 is its size key. The data key of each group
; is its own: setup 0x16 -> 0x18, kernel 0x07 -> 0x11, command line 0x13
; -> 0x15. Copies the data item to the address it names.
load_item:
        mov ax, bx
        call cfg_read32
        mov edi, eax
        lea ax, [bx + 1]
        call cfg_read32
        mov ecx, eax
        mov ax, KEY_SETUP_DATA
        cmp bx, KEY_SETUP_ADDR
        je dma_read
        mov ax, KEY_CMDLINE_DATA
        cmp bx, KEY_CMDLINE_ADDR
        je dma_read
        mov ax, KEY_KERNEL_DATA
        ; fall through

; DMA ECX bytes of item AX to physical address EDI. Clobbers EAX, DX.
dma_read:
        test ecx, ecx
        jz .done
        movzx eax, ax
        shl eax, 16
        or eax, DMA_CTL_SELECT | DMA_CTL_READ
        bswap eax
        mov [es:DMA_DESC], eax
        mov eax, ecx
        bswap eax
        mov [es:DMA_DESC + 4], eax
        mov dword [es:DMA_DESC + 8], 0
        mov eax, edi
        bswap eax
        mov [es:DMA_DESC + 12], eax
        xor eax, eax
        mov dx, FW_CFG_DMA_HIGH
        out dx, eax                 ; the descriptor is below 4 GiB
        mov eax, SCRATCH_SEG * 16 + DMA_DESC
        bswap eax
        mov dx, FW_CFG_DMA_LOW
        out dx, eax                 ; starts the transfer
.wait:
        mov eax, [es:DMA_DESC]
        bswap eax
        test eax, ~DMA_CTL_ERROR    ; the device clears all but ERROR when done
        jnz .wait
        test eax, DMA_CTL_ERROR
        jnz .failed
.done:
        ret
.failed:
        mov si, msg_dma_error
        jmp fail

; CF clear when [INITRD_ADDR, INITRD_ADDR + INITRD_SIZE) lies inside one
; E820 entry of usable RAM, set otherwise. Clobbers EAX, EBX, ECX, EDX, DI.
initrd_in_ram:
        xor ebx, ebx
.entry:
        mov eax, 0xE820
        mov edx, E820_SMAP
        mov ecx, 20
        mov di, E820_ENTRY
        int 0x15
        jc .outside
        cmp eax, E820_SMAP
        jne .outside
        cmp dword [es:E820_ENTRY + 16], E820_RAM
        jne .next
        cmp dword [es:E820_ENTRY + 4], 0
        jne .next                   ; starts above 4 GiB
        mov eax, [es:E820_ENTRY + 8]
        or eax, [es:E820_ENTRY + 12]
        jz .next                    ; empty
        mov eax, [es:INITRD_ADDR]
        cmp eax, [es:E820_ENTRY]
        jb .next                    ; the initrd starts below this entry
        mov edx, [es:E820_ENTRY]
        mov eax, [es:E820_ENTRY + 12]
        add edx, [es:E820_ENTRY + 8]
        adc eax, 0
        sub edx, 1
        sbb eax, 0                  ; EAX:EDX = the entry's last byte
        jz .last_known
        mov edx, 0xFFFFFFFF         ; it reaches past 4 GiB
.last_known:
        mov eax, [es:INITRD_ADDR]
        add eax, [es:INITRD_SIZE]
        dec eax                     ; the initrd's last byte
        cmp eax, edx
        ja .next
        clc
        ret
.next:
        test ebx, ebx
        jnz .entry
.outside:
        stc
        ret

; Print "ember linuxboot: " and the message at DS:SI on the screen and the
; debug console, then hand the boot back to the BIOS (INT 18h: the next
; boot device, or its "no bootable device" message).
fail:
        push si
        mov si, msg_prefix
        call print
        pop si
        call print
        int 0x18
.stop:
        hlt
        jmp .stop

print:
        lodsb
        test al, al
        jz .done
        out DEBUG_CONSOLE, al
        mov ah, 0x0E
        mov bx, 0x0007
        int 0x10
        jmp print
.done:
        ret

msg_prefix:     db 'ember linuxboot: ', 0
msg_no_fw_cfg:  db 'no fw_cfg interface (ports 0x510-0x51B)', 13, 10, 0
msg_no_dma:     db 'fw_cfg has no DMA interface', 13, 10, 0
msg_dma_error:  db 'fw_cfg DMA transfer failed', 13, 10, 0
msg_no_room:    db 'the initrd does not fit in the RAM the BIOS leaves free (give more with -m)', 13, 10, 0

        db 0                        ; room for the ROM checksum (emulator)
        align 512, db 0
rom_end:

rom_blocks equ (rom_end - rom_start) / 512
