; #DF through a task gate (SDM vol. 3 6.15 interrupt 8, 7.3): when the
; stack itself is broken, only a task switch can deliver the double fault.
; Case 1: the ring-0 stack is past its segment limit: a PUSH raises #SS,
; delivering it raises #SS again: #DF. Case 2 (paging): ESP points into
; a not-present page: a #PF's frame cannot be pushed: #PF during #PF:
; #DF. The #DF task finds error code 0 on its own stack, NT = 1 and the
; back link to the faulting task; it repairs that task's saved SS:ESP and
; EIP in its TSS and IRETs to it.
%include "lib/ember.inc"

SEL_TSSDF  equ 0x40
SEL_SSLIM  equ 0x48         ; stack segment, limit 0x8FFFF (ESP 0x9F000 is out)
T_CR3      equ 0x1C
T_EIP      equ 0x20
T_EFLAGS   equ 0x24
T_ESP      equ 0x38
T_ES       equ 0x48
T_CS       equ 0x4C
T_SS       equ 0x50
T_DS       equ 0x54
T_FS       equ 0x58
T_GS       equ 0x5C
T_IOMAP    equ 0x66
BAD_STACK  equ 0x00C00000   ; not mapped

test_main:
    ENTER_PM
    call load_tr
    GDT_DESC SEL_TSSDF, tss_df, 0x67, ACC_TSS32, 0
    GDT_DESC SEL_SSLIM, 0, 0x8FFFF, ACC_DATA0, DF_B32
    call df_task_reset
    IDT_GATE 8, SEL_TSSDF, 0, ACC_TASKGATE

    ; ---- Case 1: #SS, #SS -> #DF.
    mov dword [resume_at], .case1_back
    mov [resume_esp], esp
    mov ax, SEL_SSLIM
    mov ss, ax                      ; ESP = 0x9Exxx > limit 0x8FFFF
    push eax                        ; #SS(0) -> #SS -> #DF
    FAIL EXIT_FAIL, "no double fault (case 1)"
.case1_back:
    mov eax, ss
    ASSERT_EQ eax, SEL_DATA32
    ASSERT_EQ dword [df_runs], 1
    ASSERT_EQ dword [df_err], 0
    ASSERT_EQ dword [df_nt], FL_NT
    ASSERT_EQ dword [df_link], SEL_TSS
    str ax
    and eax, 0xFFFF
    ASSERT_EQ eax, SEL_TSS

    ; ---- Case 2: #PF, #PF -> #DF (both tasks use the same CR3).
    call paging_init
    mov dword [tss0 + T_CR3], page_dir
    call df_task_reset
    mov dword [tss_df + T_CR3], page_dir
    mov dword [resume_at], .case2_back
    mov [resume_esp], esp
    mov esp, BAD_STACK + 0x100
    mov eax, [BAD_STACK]            ; #PF; its frame -> #PF -> #DF
    FAIL EXIT_FAIL, "no double fault (case 2)"
.case2_back:
    ASSERT_EQ dword [df_runs], 2
    ASSERT_EQ dword [df_err], 0
    ASSERT_EQ dword [df_link], SEL_TSS
    mov eax, cr2
    and eax, 0xFFFFF000
    ASSERT_EQ eax, BAD_STACK
    PASS

; Prepare the #DF task's TSS (available, starting at df_task).
df_task_reset:
    mov dword [tss_df + T_EIP], df_task
    mov dword [tss_df + T_EFLAGS], 0x0002
    mov dword [tss_df + T_ESP], STACK_AUX_TOP
    mov dword [tss_df + T_CS], SEL_CODE32
    mov dword [tss_df + T_SS], SEL_DATA32
    mov dword [tss_df + T_DS], SEL_DATA32
    mov dword [tss_df + T_ES], SEL_DATA32
    mov dword [tss_df + T_FS], SEL_DATA32
    mov dword [tss_df + T_GS], SEL_DATA32
    mov word [tss_df + T_IOMAP], 0x68
    ret

; The #DF task: runs on its own stack.
df_task:
    inc dword [df_runs]
    pop eax
    mov [df_err], eax
    pushfd
    pop eax
    and eax, FL_NT
    mov [df_nt], eax
    movzx eax, word [tss_df]        ; back link
    mov [df_link], eax
    ; Repair the interrupted task and return to it.
    mov dword [tss0 + T_SS], SEL_DATA32
    mov eax, [resume_esp]
    mov [tss0 + T_ESP], eax
    mov eax, [resume_at]
    mov [tss0 + T_EIP], eax
    iretd
    jmp df_task                     ; (resumes here if run again)

section .data
align 4
df_runs:    dd 0
df_err:     dd 0xFFFF
df_nt:      dd 0
df_link:    dd 0
resume_at:  dd 0
resume_esp: dd 0
align 16
tss_df: times 0x68 db 0
