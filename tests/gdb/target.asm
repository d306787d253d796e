; The program the debugger tests drive (tests/gdb, tests/monitor): a 64 KiB
; ROM (nasm -f bin) that runs from its place at the top of the 4 GiB space.
; It goes from the reset vector to 32-bit protected mode with flat segments,
; turns paging on (the first 4 MiB identity-mapped in 4 KiB pages, the ROM's
; 4 MiB identity-mapped as one large page, and linear 0x40000000 mapped onto
; the data page at physical 0x1000), then:
;   - waits while the dword at 0x100C is not 0, after saying "spinning"
;     (a debugger sets it to test interrupting a running guest; RAM
;     starts zeroed),
;   - calls bump ten times (each call increments the counter at 0x1000),
;   - writes 0x1234abcd to `watched` (0x1004),
;   - raises INT 0x30 and a divide error (#DE), both handled by an IDT,
;   - reads the i440FX's PCI id through 0xCF8/0xCFC and an unmapped port,
;   - prints "done" on the debug console (0xE9) and exits through 0xF4
;     with 0 (ember's status 1).
; The labels the tests use sit at fixed addresses (LAYOUT below).
bits 16
org 0xFFFF0000

COUNTER     equ 0x1000          ; dword, incremented by bump
WATCHED     equ 0x1004          ; dword, written once
INTS_SEEN   equ 0x1008          ; dword, +1 per INT 0x30, +0x100 per #DE
SPIN        equ 0x100C          ; dword: the program waits while it is not 0
PAGE_DIR    equ 0x2000
PAGE_TABLE0 equ 0x3000          ; linear 0-4 MiB, identity
PAGE_TABLE1 equ 0x4000          ; linear 0x40000000: the data page
ALIAS       equ 0x40000000      ; linear alias of physical 0x1000
STACK_TOP   equ 0x9000

; LAYOUT: where the tests find things (keep in step with tests/gdb and
; tests/monitor).
PM_ENTRY    equ 0xFFFF0100      ; first 32-bit instruction
MAIN_LOOP   equ 0xFFFF0200      ; the loop that calls bump
BUMP        equ 0xFFFF0300      ; inc dword [COUNTER] / ret
AFTER_LOOP  equ 0xFFFF0400      ; the write to WATCHED and what follows
INT30       equ 0xFFFF0500      ; the INT 0x30 handler
DE_HANDLER  equ 0xFFFF0580      ; the #DE handler
SPIN_LOOP   equ 0xFFFF0600      ; waits while [SPIN] != 0 (a debugger sets it)

%macro AT 1
    %if ($ - $$) > (%1 - 0xFFFF0000)
        %error "layout overflow before %1"
    %endif
    times (%1 - 0xFFFF0000) - ($ - $$) db 0x90
%endmacro

; ---- 16-bit: from the reset vector to protected mode ----
entry16:
    cli
    o32 lgdt [cs:gdt_ptr - $$]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword 0x08:pm_entry

align 8
gdt:
    dq 0
    dq 0x00CF9A000000FFFF       ; 0x08: code, flat, 32-bit
    dq 0x00CF92000000FFFF       ; 0x10: data, flat
gdt_end:
gdt_ptr:
    dw gdt_end - gdt - 1
    dd gdt

; ---- 32-bit ----
bits 32
AT PM_ENTRY
pm_entry:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov fs, ax
    mov gs, ax
    mov esp, STACK_TOP
    call setup_paging
    lidt [idt_ptr]
    mov dword [COUNTER], 0
    mov dword [WATCHED], 0
    mov dword [INTS_SEEN], 0
    call spin_loop
    jmp main_loop

setup_paging:
    ; Page directory: entry 0 -> PAGE_TABLE0, entry 256 (0x40000000) ->
    ; PAGE_TABLE1, entry 1023 -> the top 4 MiB as one PSE page (the ROM).
    mov edi, PAGE_DIR
    mov ecx, 3 * 1024
    xor eax, eax
    rep stosd                   ; clears the directory and both tables
    mov dword [PAGE_DIR + 0 * 4], PAGE_TABLE0 | 3
    mov dword [PAGE_DIR + 256 * 4], PAGE_TABLE1 | 3
    mov dword [PAGE_DIR + 1023 * 4], 0xFFC00000 | 0x83
    mov edi, PAGE_TABLE0
    mov eax, 3                  ; present, writable
    mov ecx, 1024
.identity:
    stosd
    add eax, 0x1000
    loop .identity
    mov dword [PAGE_TABLE1], 0x1000 | 3
    mov eax, cr4
    or eax, 0x10                ; PSE
    mov cr4, eax
    mov eax, PAGE_DIR
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000          ; PG
    mov cr0, eax
    ret

AT MAIN_LOOP
main_loop:
    mov ecx, 10
.again:
    call bump
    loop .again
    jmp after_loop

AT BUMP
bump:
    inc dword [COUNTER]
    ret

AT AFTER_LOOP
after_loop:
    mov dword [WATCHED], 0x1234abcd
    int 0x30
    xor edx, edx
    xor ebx, ebx
    mov eax, 7
    div ebx                     ; #DE: the handler skips it
    mov eax, 0x80000000
    mov dx, 0xCF8
    out dx, eax
    mov dx, 0xCFC
    in eax, dx                  ; 8086:1237, the i440FX
    in al, 0x2F                 ; nothing decodes port 0x2F
    mov eax, [ALIAS]            ; the counter through the alias
    mov esi, done_text
.print:
    lodsb
    test al, al
    jz .exit
    out 0xE9, al
    jmp .print
.exit:
    xor eax, eax
    out 0xF4, al
    hlt
    jmp .exit

done_text:
    db "done", 10, 0

AT INT30
int30:
    inc dword [INTS_SEEN]
    iret

AT DE_HANDLER
de_handler:
    add dword [INTS_SEEN], 0x100
    add dword [esp], 2          ; past the two-byte div
    iret

AT SPIN_LOOP
spin_loop:
    cmp dword [SPIN], 0
    je .out
    mov esi, spin_text          ; say so once: the test waits for it
.say:
    lodsb
    test al, al
    jz .wait
    out 0xE9, al
    jmp .say
.wait:
    cmp dword [SPIN], 0
    jne .wait
.out:
    ret

spin_text:
    db "spinning", 10, 0

; The IDT: vector 0 (#DE) and 0x30, 32-bit interrupt gates.
align 8
idt:
%assign v 0
%rep 0x31
    %if v == 0
        dw DE_HANDLER & 0xFFFF, 0x08, 0x8E00, DE_HANDLER >> 16
    %elif v == 0x30
        dw INT30 & 0xFFFF, 0x08, 0x8E00, INT30 >> 16
    %else
        dq 0
    %endif
%assign v v + 1
%endrep
idt_end:
idt_ptr:
    dw idt_end - idt - 1
    dd idt

; ---- the reset vector ----
bits 16
    times 0xFFF0 - ($ - $$) db 0xF4
reset:
    jmp entry16
    times 0x10000 - ($ - $$) db 0xF4
