; Debug exceptions in protected mode (SDM vol. 3 17.2-17.3):
; - single-step: TF set by POPF traps after the instruction following the
;   POPF, then after each instruction; DR6.BS is set; the reported EIP is
;   the next instruction;
; - instruction breakpoints in DR0-DR3 (DR7 Ln/Gn, R/W = 00, LEN = 00):
;   a fault before the instruction runs, EIP = its address, DR6.Bn set;
;   the handler sets RF in the pushed EFLAGS so that IRET runs the
;   instruction once without a new #DB; RF clears after it, so the next
;   visit traps again; a disabled breakpoint does nothing;
; - MOV SS delays the single-step trap past the next instruction;
; - DR7.GD: a MOV to or from a debug register faults with DR6.BD, and the
;   processor clears GD when it delivers that #DB;
; - INT1 (F1) raises #DB as a trap.
%include "lib/ember.inc"

DR6_BS equ 0x4000
DR6_BD equ 0x2000
DR6_FIXED equ 0xFFFF0FF0    ; reserved bits that read as 1 (P6)

; BP_CASE n: breakpoint n on bp_target, reached twice through a loop.
%macro BP_CASE 1
    xor eax, eax
    mov dr6, eax
    mov eax, bp_target
    mov dr%1, eax
    mov eax, 1 << (2 * (%1))        ; Ln, R/W 00, LEN 00
%if (%1) == 3
    mov eax, 2 << (2 * (%1))        ; Gn for this one
%endif
    mov dr7, eax
    mov dword [exc_log_n], 0
    mov dword [bp_count], 0
    mov ecx, 2
%%loop:
    call bp_target
    loop %%loop
    xor eax, eax
    mov dr7, eax
    ASSERT_EQ dword [bp_count], 2           ; ran twice
    ASSERT_EQ dword [exc_log_n], 2          ; trapped before each run
    ASSERT_EQ dword [exc_log_vec], 1
    ASSERT_EQ dword [exc_log_eip], bp_target
    ASSERT_EQ dword [exc_log_eip + 4], bp_target
    ASSERT_EQ dword [dr6_seen], DR6_FIXED | (1 << (%1))
%endmacro

test_main:
    ENTER_PM
    mov dword [exc_mode], EXC_IRET
    mov dword [exc_hook], db_hook

    ; ---- Single-step.
    xor eax, eax
    mov dr6, eax
    mov dword [exc_log_n], 0
    mov dword [steps_left], 3
    pushfd
    or dword [esp], FL_TF
    popfd
.s1: nop
.s2: mov eax, 1
.s3: add eax, eax
.s4: nop
    ASSERT_EQ dword [exc_log_n], 3
    ASSERT_EQ dword [exc_log_vec], 1
    ASSERT_EQ dword [exc_log_eip], .s2
    ASSERT_EQ dword [exc_log_eip + 4], .s3
    ASSERT_EQ dword [exc_log_eip + 8], .s4
    mov eax, [dr6_seen]
    and eax, DR6_BS
    ASSERT_EQ eax, DR6_BS

    ; ---- MOV SS holds debug exceptions until the next instruction is
    ; done (SDM vol. 3 6.8.3): no trap between MOV SS and the NOP after it.
    mov dword [exc_log_n], 0
    mov dword [steps_left], 3
    mov ax, ss
    pushfd
    or dword [esp], FL_TF
    popfd
.m1: mov ss, ax
.m2: nop
.m3: nop
.m4: nop
.m5:
    ASSERT_EQ dword [exc_log_n], 3
    ASSERT_EQ dword [exc_log_eip], .m3
    ASSERT_EQ dword [exc_log_eip + 4], .m4
    ASSERT_EQ dword [exc_log_eip + 8], .m5

    ; ---- DR0-DR3.
    BP_CASE 0
    BP_CASE 1
    BP_CASE 2
    BP_CASE 3
    ; Armed on another address: nothing.
    mov eax, bp_other
    mov dr0, eax
    mov eax, 1
    mov dr7, eax
    mov dword [exc_log_n], 0
    call bp_target
    xor eax, eax
    mov dr7, eax
    ASSERT_EQ dword [exc_log_n], 0
    ; Enabled bits clear: nothing.
    mov eax, bp_target
    mov dr0, eax
    mov eax, 0x00000000
    mov dr7, eax
    call bp_target
    ASSERT_EQ dword [exc_log_n], 0

    ; ---- DR7.GD.
    mov dword [exc_mode], EXC_ABANDON
    mov dword [exc_hook], 0
    xor eax, eax
    mov dr6, eax
    mov eax, 0x2000                 ; GD
    mov dr7, eax
    EXPECT_FAULT .gd_r
.gd_i:
    mov eax, dr0
    NO_FAULT
.gd_r:
    CHECK_EXC 1, NOERR, .gd_i
    mov eax, dr6
    and eax, DR6_BD
    ASSERT_EQ eax, DR6_BD
    mov eax, dr7                    ; GD was cleared: no second #DB
    and eax, 0x2000
    ASSERT_EQ eax, 0

    ; ---- INT1 (ICEBP) is a trap through vector 1.
    TRAP 1, int1
    PASS

; Runs with TF/RF bookkeeping for EXC_IRET: keeps DR6, stops single-
; stepping after steps_left traps, sets RF for a breakpoint fault.
db_hook:
    mov eax, dr6
    mov [dr6_seen], eax
    test eax, 0xF
    jz .step
    or dword [ebp + 20], FL_RF      ; pushed EFLAGS
    xor eax, eax
    mov dr6, eax
    ret
.step:
    dec dword [steps_left]
    jnz .keep
    and dword [ebp + 20], ~FL_TF
.keep:
    ret

bp_target:
    inc dword [bp_count]
    ret
bp_other:
    ret

section .data
align 4
bp_count:   dd 0
steps_left: dd 0
dr6_seen:   dd 0
