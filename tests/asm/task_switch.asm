; Task switches (SDM vol. 3 chapter 7; vol. 2 JMP, CALL, IRET, INT n):
; - JMP to a TSS: the old task's state is saved in its TSS (EIP = after
;   the JMP), its busy bit cleared; the new task's registers, segments and
;   CR3 come from its TSS, its busy bit is set, NT stays 0, the back link
;   is not written;
; - CALL to a TSS, CALL through a task gate, INT n through an IDT task
;   gate: NT = 1 in the new task, back link = the old TSS, both busy;
;   IRET with NT = 1 returns to the back-linked task, clears the busy bit
;   of the task it leaves and NT in that task's saved EFLAGS;
; - an exception through a task gate pushes its error code on the new
;   task's stack, the old task's saved EIP is the faulting instruction;
; - the T bit in the new TSS raises #DB with DR6.BT before its first
;   instruction;
; - errors: CALL to a busy TSS #GP(sel), a not-present TSS #NP(sel), a TSS
;   limit below 67H #TS(sel), IRET with NT to a TSS that is not busy
;   #TS(back link).
; Paging is on: task 2 runs with its own page directory.
%include "lib/ember.inc"

SEL_TSS2   equ 0x40
SEL_TSS3   equ 0x48         ; available, never run (for the IRET #TS)
SEL_TSSBAD equ 0x50         ; limit 0x50
SEL_TSSNP  equ 0x58         ; not present
SEL_TGATE  equ 0x60         ; task gate to SEL_TSS2
LIN        equ 0x00C00000   ; phys A in task 1, phys B in task 2
PHYS_A     equ 0x00350000
PHYS_B     equ 0x00351000

T_BACKLINK equ 0x00
T_CR3      equ 0x1C
T_EIP      equ 0x20
T_EFLAGS   equ 0x24
T_EAX      equ 0x28
T_EBX      equ 0x34
T_ESP      equ 0x38
T_ESI      equ 0x40
T_ES       equ 0x48
T_CS       equ 0x4C
T_SS       equ 0x50
T_DS       equ 0x54
T_FS       equ 0x58
T_GS       equ 0x5C
T_IOMAP    equ 0x66

; Type nibble (9 available, 0BH busy) of a TSS descriptor -> EAX
%macro TSS_TYPE 1
    movzx eax, byte [gdt + (%1) + 5]
    and eax, 0x0F
%endmacro

test_main:
    ENTER_PM
    call paging_init
    mov dword [PHYS_A], 0xAAAA
    mov dword [PHYS_B], 0xBBBB
    mov eax, LIN
    mov ebx, PHYS_A | PG_P | PG_W
    call map_page
    ; pd2: page_dir with LIN's table copied and pointed at PHYS_B
    mov esi, page_dir
    mov edi, pd2
    mov ecx, 1024
    rep movsd
    mov esi, [page_dir + (LIN >> 22) * 4]
    and esi, 0xFFFFF000
    mov edi, pt2
    mov ecx, 1024
    rep movsd
    mov dword [pd2 + (LIN >> 22) * 4], pt2 + (PG_P | PG_W | PG_U)
    mov dword [pt2 + ((LIN >> 12) & 0x3FF) * 4], PHYS_B | PG_P | PG_W

    ; Task 1 = tss0 (needs its CR3 for the switches back), task 2 = tss2.
    mov dword [tss0 + T_CR3], page_dir
    call load_tr
    mov dword [tss2 + T_BACKLINK], 0x1234  ; sentinel: JMP leaves it
    mov dword [tss2 + T_CR3], pd2
    mov dword [tss2 + T_EIP], task2
    mov dword [tss2 + T_EFLAGS], 0x0002
    mov dword [tss2 + T_EAX], 0xA2A2A2A2
    mov dword [tss2 + T_EBX], 0xB2B2B2B2
    mov dword [tss2 + T_ESP], STACK_AUX_TOP
    mov dword [tss2 + T_CS], SEL_CODE32
    mov dword [tss2 + T_SS], SEL_DATA32
    mov dword [tss2 + T_DS], SEL_DATA32
    mov dword [tss2 + T_ES], SEL_DATA32
    mov dword [tss2 + T_FS], SEL_DATA32
    mov dword [tss2 + T_GS], SEL_DATA32
    mov word [tss2 + T_IOMAP], 0x68
    GDT_DESC SEL_TSS2, tss2, 0x67, ACC_TSS32, 0
    GDT_DESC SEL_TSS3, tss3, 0x67, ACC_TSS32, 0
    GDT_DESC SEL_TSSBAD, tss3, 0x50, ACC_TSS32, 0
    GDT_DESC SEL_TSSNP, tss3, 0x67, ACC_TSS32 & 0x7F, 0
    GDT_GATE SEL_TGATE, SEL_TSS2, 0, ACC_TASKGATE, 0

    ; ---- JMP to task 2; it JMPs back.
    mov dword [phase], 1
    mov eax, 0x11111111
    mov esi, 0x51515151
    mov bx, SEL_UDATA32
    mov fs, bx
    jmp SEL_TSS2:0
.t1_back:
    ASSERT_EQ eax, 0x11111111       ; task 1's registers came back
    ASSERT_EQ esi, 0x51515151
    mov eax, fs
    ASSERT_EQ eax, SEL_UDATA32
    ASSERT_EQ dword [tss0 + T_EIP], .t1_back   ; saved: after the JMP
    ASSERT_EQ dword [tss0 + T_EAX], 0x11111111
    ; What task 2 saw.
    ASSERT_EQ dword [r_eax + 4], 0xA2A2A2A2
    ASSERT_EQ dword [r_ebx + 4], 0xB2B2B2B2
    ASSERT_EQ dword [r_tr + 4], SEL_TSS2
    ASSERT_EQ dword [r_nt + 4], 0
    ASSERT_EQ dword [r_cr3 + 4], pd2
    ASSERT_EQ dword [r_lin + 4], 0xBBBB
    ASSERT_EQ dword [r_link + 4], 0x1234
    ASSERT_EQ dword [r_busy1 + 4], 0x9     ; JMP freed task 1
    ASSERT_EQ dword [r_busy2 + 4], 0xB
    ; And now, back in task 1.
    str ax
    and eax, 0xFFFF
    ASSERT_EQ eax, SEL_TSS
    mov eax, cr3
    ASSERT_EQ eax, page_dir
    ASSERT_EQ dword [LIN], 0xAAAA
    TSS_TYPE SEL_TSS
    ASSERT_EQ eax, 0xB
    TSS_TYPE SEL_TSS2
    ASSERT_EQ eax, 0x9
    ASSERT_EQ dword [tss2 + T_EIP], task2.after_jmp

    ; ---- CALL task 2; it IRETs back.
    mov dword [phase], 2
    call SEL_TSS2:0
    ASSERT_EQ dword [r_nt + 8], FL_NT
    ASSERT_EQ dword [r_link + 8], SEL_TSS
    ASSERT_EQ dword [r_busy1 + 8], 0xB     ; both busy while nested
    ASSERT_EQ dword [r_busy2 + 8], 0xB
    TSS_TYPE SEL_TSS2
    ASSERT_EQ eax, 0x9                     ; IRET freed task 2
    TSS_TYPE SEL_TSS
    ASSERT_EQ eax, 0xB
    pushfd
    pop eax
    and eax, FL_NT
    ASSERT_EQ eax, 0                       ; task 1's own NT
    mov eax, [tss2 + T_EFLAGS]
    and eax, FL_NT
    ASSERT_EQ eax, 0                       ; cleared in task 2's image
    ASSERT_EQ dword [tss2 + T_EIP], task2.after_iret

    ; ---- CALL through a task gate.
    mov dword [phase], 3
    call SEL_TGATE:0x12345678       ; the offset is ignored
    ASSERT_EQ dword [r_nt + 12], FL_NT
    ASSERT_EQ dword [r_link + 12], SEL_TSS
    ASSERT_EQ dword [r_tr + 12], SEL_TSS2

    ; ---- INT n through an IDT task gate.
    mov dword [phase], 4
    IDT_GATE 0x70, SEL_TSS2, 0, ACC_TASKGATE
    int 0x70
    ASSERT_EQ dword [r_nt + 16], FL_NT
    ASSERT_EQ dword [r_link + 16], SEL_TSS

    ; ---- #GP through a task gate: the error code is on task 2's stack.
    mov dword [phase], 5
    IDT_GATE 13, SEL_TSS2, 0, ACC_TASKGATE
    mov ax, SEL_DATA32 | 3
.gp_here:
    mov ds, ax                      ; #GP(0x10)
    FAIL EXIT_FAIL, "task 2 did not redirect task 1"
.after_gp:
    IDT_DEFAULT 13, 0
    mov ax, SEL_DATA32
    mov ds, ax
    ASSERT_EQ dword [r_err], SEL_DATA32
    ASSERT_EQ dword [r_t1eip], .gp_here    ; the fault's EIP, saved

    ; ---- The T bit of the new TSS: #DB (a trap) in the new task before
    ; its first instruction, with DR6.BT (SDM vol. 3 7.2.1, 17.3.1.5).
    mov dword [phase], 1            ; task 2 just JMPs back
    mov byte [tss2 + 0x64], 1
    xor eax, eax
    mov dr6, eax
    mov dword [exc_mode], EXC_IRET
    mov dword [exc_hook], keep_dr6
    mov dword [exc_log_n], 0
    jmp SEL_TSS2:0
    mov dword [exc_hook], 0
    mov dword [exc_mode], EXC_ABANDON
    mov byte [tss2 + 0x64], 0
    ASSERT_EQ dword [exc_log_n], 1
    ASSERT_EQ dword [exc_log_vec], 1
    ASSERT_EQ dword [exc_log_eip], task2.after_gp_iret
    mov eax, [dr6_seen]
    and eax, 0x8000
    ASSERT_EQ eax, 0x8000

    ; ---- Errors.
    FAULT 13, SEL_TSS, call SEL_TSS:0       ; busy (it is us)
    FAULT 13, SEL_TSS, jmp SEL_TSS:0
    FAULT 11, SEL_TSSNP, jmp SEL_TSSNP:0
    FAULT 10, SEL_TSSBAD, jmp SEL_TSSBAD:0
    TSS_TYPE SEL_TSS
    ASSERT_EQ eax, 0xB                      ; nothing changed
    ; IRET with NT = 1 whose back link names an available TSS.
    mov dword [tss0 + T_BACKLINK], SEL_TSS3
    pushfd
    or dword [esp], FL_NT
    popfd
    EXPECT_FAULT .ts_r
    push dword 0x0002               ; (an IRET frame nobody will use)
    push dword SEL_CODE32
    push dword .ts_r
.ts_i:
    iretd
    NO_FAULT
.ts_r:
    pushfd
    and dword [esp], ~FL_NT
    popfd
    CHECK_EXC 10, SEL_TSS3, .ts_i
    PASS

; Task 2: records what it sees for the phase, then goes back the way the
; phase asks; it resumes after that instruction the next time it runs.
task2:
    mov [t2_ebx], ebx
    mov ebx, [phase]
    mov [r_eax + ebx * 4], eax
    mov eax, [t2_ebx]
    mov [r_ebx + ebx * 4], eax
    str ax
    and eax, 0xFFFF
    mov [r_tr + ebx * 4], eax
    pushfd
    pop eax
    and eax, FL_NT
    mov [r_nt + ebx * 4], eax
    mov eax, cr3
    mov [r_cr3 + ebx * 4], eax
    mov eax, [LIN]
    mov [r_lin + ebx * 4], eax
    movzx eax, word [tss2 + T_BACKLINK]
    mov [r_link + ebx * 4], eax
    TSS_TYPE SEL_TSS
    mov [r_busy1 + ebx * 4], eax
    TSS_TYPE SEL_TSS2
    mov [r_busy2 + ebx * 4], eax
    cmp ebx, 1
    je .jmp_back
    cmp ebx, 5
    je .gp
    iretd
.after_iret:
    jmp task2
.jmp_back:
    jmp SEL_TSS:0
.after_jmp:
    jmp task2
.gp:
    pop eax                         ; the error code
    mov [r_err], eax
    mov eax, [tss0 + T_EIP]
    mov [r_t1eip], eax
    mov dword [tss0 + T_EIP], test_main.after_gp
    iretd
.after_gp_iret:
    jmp task2

keep_dr6:
    mov eax, dr6
    mov [dr6_seen], eax
    ret

section .data
align 4
phase:   dd 0
r_eax:   times 6 dd 0
r_ebx:   times 6 dd 0
r_tr:    times 6 dd 0
r_nt:    times 6 dd 0
r_cr3:   times 6 dd 0
r_lin:   times 6 dd 0
r_link:  times 6 dd 0
r_busy1: times 6 dd 0
r_busy2: times 6 dd 0
r_err:   dd 0
t2_ebx:  dd 0
dr6_seen: dd 0
r_t1eip: dd 0
align 16
tss2:    times 0x68 db 0
tss3:    times 0x68 db 0

section .bss
alignb 4096
pd2: resb 4096
pt2: resb 4096
