; Exceptions and interrupts in real mode (SDM vol. 3 20.1.4: the IVT holds
; CS:IP pairs; the processor pushes FLAGS, CS, IP, clears IF, TF, AC and
; RF, and pushes no error code). Faults report the faulting instruction,
; traps (INT n, INT3, INTO, single-step) the next one.
%include "lib/ember.inc"

test_main:
    ; ---- #DE: a fault at the DIV.
    mov eax, 0x1234
    mov ebx, 0
    FAULT 0, NOERR, div bl
    ASSERT_EQ dword [exc_cs], 0
    ASSERT_EQ eax, 0x1234

    ; ---- #BP: INT3 (CC) and INT 3 (CD 03) are traps.
    TRAP 3, int3
    TRAP 3, int 3

    ; ---- INT n through the IVT; the pushed FLAGS are the caller's.
    push dword FL_CF | FL_DF | FL_OF | 2
    popfd
    TRAP 0x40, int 0x40
    mov eax, [exc_eflags]
    and eax, FL_CF | FL_DF | FL_OF | FL_IF | FL_TF
    ASSERT_EQ eax, FL_CF | FL_DF | FL_OF
    cld

    ; ---- INTO: a trap when OF = 1, nothing when OF = 0.
    mov al, 0x7F
    add al, 1
    TRAP 4, into
    xor eax, eax
    NO_EXC into

    ; ---- BOUND: #BR (fault) outside [lower, upper], signed, inclusive.
    mov eax, 5
    FAULT 5, NOERR, bound ax, [bnd16]
    mov eax, 10
    NO_EXC bound ax, [bnd16]
    mov eax, 20
    NO_EXC bound ax, [bnd16]
    mov eax, 21
    FAULT 5, NOERR, bound ax, [bnd16]
    mov eax, -3                     ; bounds -5..5: signed compare
    NO_EXC bound ax, [bnd16s]
    mov eax, 0x7FFF
    FAULT 5, NOERR, bound ax, [bnd16s]
    mov eax, 0x10000                ; 32-bit operand size in real mode
    NO_EXC bound eax, [bnd32]
    mov eax, 0xFFFF
    FAULT 5, NOERR, bound eax, [bnd32]

    ; ---- #UD
    FAULT 6, NOERR, ud2

    ; ---- An instruction longer than 15 bytes: #GP (interrupt 13).
    EXPECT_FAULT .long_r
.long_i:
    times 14 db 0x66
    mov ax, 1                       ; 14 prefixes + B8 iw = 17 bytes
    NO_FAULT
.long_r:
    CHECK_EXC 13, NOERR, .long_i

    ; ---- INT n clears IF and TF in the handler, IRET restores them.
    mov ax, 0x41
    mov bx, flag_probe
    call rm_set_vector
    push dword FL_IF | 2
    popfd
    int 0x41
    cli
    movzx eax, word [probe_flags]
    and eax, FL_IF | FL_TF
    ASSERT_EQ eax, 0
    movzx eax, word [probe_after]
    and eax, FL_IF
    ASSERT_EQ eax, FL_IF

    ; ---- Single-step: TF set by POPF traps after the instruction that
    ; follows the POPF (SDM vol. 3 17.3.1.4), then after each one until a
    ; handler clears TF in the pushed FLAGS (here, at the third trap).
    mov dword [exc_log_n], 0
    mov dword [exc_mode], EXC_IRET
    mov dword [exc_hook], step_hook
    pushf
    pop ax
    or ax, FL_TF
    push ax
    popf
.s1: nop
.s2: mov ax, 1
.s3: xchg bx, bx
.s4: nop
    mov dword [exc_hook], 0
    mov dword [exc_mode], EXC_ABANDON
    ASSERT_EQ dword [exc_log_n], 3
    ASSERT_EQ dword [exc_log_vec], 1
    ASSERT_EQ dword [exc_log_eip], .s2
    ASSERT_EQ dword [exc_log_vec + 4], 1
    ASSERT_EQ dword [exc_log_eip + 4], .s3
    ASSERT_EQ dword [exc_log_eip + 8], .s4
    pushf
    pop ax
    and eax, FL_TF
    ASSERT_EQ eax, 0

    ; ---- The IVT can live elsewhere: LIDT moves it (SDM 20.1.4).
    mov dword [alt_ivt + 0x42 * 4], alt_handler ; 0000:alt_handler
    lidt [alt_ivt_desc]
    mov dword [alt_hit], 0
    int 0x42
    lidt [rm_idt_desc]
    ASSERT_EQ dword [alt_hit], 0x42
    PASS

; Clears TF in the pushed FLAGS at the third trap.
step_hook:
    cmp dword [exc_log_n], 3
    jb .keep
    and word [bp + 8], ~FL_TF
.keep:
    ret

flag_probe:
    pushf
    pop word [cs:probe_flags]
    push bp
    mov bp, sp
    mov ax, [bp + 6]                ; the pushed FLAGS
    mov [cs:probe_after], ax
    pop bp
    iret

alt_handler:
    mov dword [cs:alt_hit], 0x42
    iret

section .data
align 4
bnd16:  dw 10, 20
bnd16s: dw -5, 5
bnd32:  dd 0x10000, 0x20000
probe_flags:  dd 0
probe_after:  dd 0
alt_hit:      dd 0
alt_ivt_desc: dw 0x3FF
              dd alt_ivt
align 16
alt_ivt: times 256 dd 0
