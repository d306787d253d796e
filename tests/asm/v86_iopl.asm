; IOPL-sensitive instructions in virtual-8086 mode (SDM vol. 3 20.2.7,
; table 20-2 without VME; vol. 2 CLI, STI, PUSHF, POPF, INT n, IRET):
; with IOPL < 3, CLI, STI, PUSHF(D), POPF(D), INT n and IRET raise #GP(0)
; at the instruction; with IOPL = 3 they run. I/O instructions do not
; depend on IOPL in V86 (the bitmap decides): OUT to an allowed port works
; with IOPL 0.
%include "lib/ember.inc"

V86_SS equ 0x7000
V86_SP equ 0xFFF0

; V86_GP iopl, instruction...: #GP(0) from V86 at the instruction.
%macro V86_GP 2+.nolist
    EXPECT_FAULT %%r
    V86_ENTER %%i, 0, V86_SS, V86_SP, 0, (%1) << 12
bits 16
%%i: %2
    ud2
bits 32
%%r:
    CHECK_EXC 13, 0, %%i
    mov eax, [exc_eflags]
    and eax, FL_VM | FL_IOPL
    ASSERT_EQ eax, FL_VM | ((%1) << 12)
%endmacro

; V86_OK iopl, instruction...: runs in V86 and reaches the UD2 after it.
%macro V86_OK 2+.nolist
    EXPECT_FAULT %%r
    V86_ENTER %%i, 0, V86_SS, V86_SP, 0, (%1) << 12
bits 16
%%i: %2
%%u: ud2
bits 32
%%r:
    CHECK_EXC 6, NOERR, %%u
%endmacro

test_main:
    ENTER_PM
    call load_tr
    IDT_DEFAULT 0x65, 3
    V86_GP 0, cli
    V86_GP 0, sti
    V86_GP 0, pushf
    V86_GP 0, pushfd
    V86_GP 0, popf
    V86_GP 0, popfd
    V86_GP 0, int 0x65
    V86_GP 0, iret
    V86_GP 0, iretd
    V86_GP 1, cli
    V86_GP 2, int 0x65
    V86_GP 2, popf
    ; IOPL 3: the same instructions work.
    V86_OK 3, cli
    V86_OK 3, sti
    V86_OK 3, pushf
    V86_OK 3, popf
    ; POPF at IOPL 3 cannot change IOPL (nor VM): still in V86, IOPL 3.
    EXPECT_FAULT .pf_r
    V86_ENTER .pf_i, 0, V86_SS, V86_SP, 0, FL_IOPL
bits 16
.pf_i:
    push dword 0x00000002           ; IOPL 0, VM 0 in the image
    popfd
    ud2
bits 32
.pf_r:
    ASSERT_EQ dword [exc_vector], 6
    mov eax, [exc_eflags]
    and eax, FL_VM | FL_IOPL
    ASSERT_EQ eax, FL_VM | FL_IOPL
    ; INT n with IOPL 3 reaches the DPL-3 gate.
    EXPECT_FAULT .int_r
    V86_ENTER .int_i, 0, V86_SS, V86_SP, 0, FL_IOPL
bits 16
.int_i:
    int 0x65
.int_n:
bits 32
.int_r:
    CHECK_EXC 0x65, NOERR, .int_n
    ; OUT to an allowed port with IOPL 0 works.
    V86_OK 0, out 0xE9, al
    PASS
