; Boot smoke test: the reset state the boot stub saw (SDM vol. 3 9.1.1,
; table 9-1: CR0 = 60000010H; 9.1.4: EDX holds the processor signature),
; the copy of the image to RAM, the debug console and the exit port.
%include "lib/ember.inc"

test_main:
    PRINT "ember asm smoke", 10
    mov eax, cr0                ; nothing has written CR0 since RESET
    ASSERT_EQ eax, 0x60000010
    ; The family field of the signature names a P6 (family 6).
    mov eax, [reset_edx]
    shr eax, 8
    and eax, 0xF
    ASSERT_EQ eax, 6
    ; The image really is in RAM at 0: a write sticks.
    mov dword [scratch], 0x12345678
    ASSERT_EQ dword [scratch], 0x12345678
    ; ... and the ROM's alias below 1 MiB still has the original.
    push ds
    mov ax, 0xF000
    mov ds, ax
    mov eax, [scratch]
    pop ds
    ASSERT_EQ eax, 0xCAFEF00D
    ; Port 0xE9 reads back 0xE9 (the Bochs "port E9 hack" signature).
    in al, 0xE9
    movzx eax, al
    ASSERT_EQ eax, 0xE9
    ; Real-mode segment arithmetic: 0x1234:0x0010 is linear 0x12350.
    mov ax, 0x1234
    mov es, ax
    mov dword [es:0x10], 0xA5A5F00F
    mov ax, 0x1235
    mov es, ax
    ASSERT_EQ dword [es:0], 0xA5A5F00F
    xor ax, ax
    mov es, ax
    PRINT_HEX 0xDEADBEEF
    PRINT_NL
    PASS

section .data
scratch: dd 0xCAFEF00D
