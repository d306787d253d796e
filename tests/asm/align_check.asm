; Alignment check (SDM vol. 3 6.15 interrupt 17): with CR0.AM = 1,
; EFLAGS.AC = 1 and CPL 3, a misaligned data access raises #AC(0) at the
; instruction (word at an odd address, dword not a multiple of 4, also
; stack and string accesses). Not at CPL 0, not with AC = 0, not with
; AM = 0; aligned accesses and bytes never.
%include "lib/ember.inc"

; R3_AC expect (0 ok / 1 #AC), eflags, instruction...
%macro R3_AC 3+.nolist
    EXPECT_FAULT %%r
    TO_RING3 %%u, (%2) | 2
%%u:
    mov ax, SEL_UDATA32
    mov ds, ax
    mov es, ax
    mov esi, ac_buf + 1
    mov edi, ac_buf + 2
%%j: %3
%%e: int 0x62
%%r:
%if %1
    CHECK_EXC 17, 0, %%j
%else
    CHECK_EXC 0x62, NOERR, %%e + 2
%endif
%endmacro

test_main:
    ENTER_PM
    call load_tr
    IDT_DEFAULT 0x62, 3
    mov eax, cr0
    or eax, CR0_AM
    mov cr0, eax
    R3_AC 1, FL_AC, mov eax, [ac_buf + 1]
    R3_AC 1, FL_AC, mov eax, [ac_buf + 2]
    R3_AC 1, FL_AC, mov ax, [ac_buf + 1]
    R3_AC 1, FL_AC, mov dword [ac_buf + 3], 0
    R3_AC 1, FL_AC, inc word [ac_buf + 7]
    R3_AC 0, FL_AC, mov eax, [ac_buf + 4]
    R3_AC 0, FL_AC, mov ax, [ac_buf + 6]
    R3_AC 0, FL_AC, mov al, [ac_buf + 3]
    R3_AC 1, FL_AC, lodsd                   ; ESI = ac_buf + 1
    R3_AC 1, FL_AC, stosd                   ; EDI = ac_buf + 2
    R3_AC 0, FL_AC, lodsb
    ; The stack: a push with ESP misaligned.
    EXPECT_FAULT .st_r
    TO_RING3 .st_u, FL_AC | 2
.st_u:
    sub esp, 2
.st_i:
    push eax
    int 0x62
.st_r:
    CHECK_EXC 17, 0, .st_i
    ASSERT_EQ dword [exc_esp3], STACK3_TOP - 2
    R3_AC 0, 0, mov eax, [ac_buf + 1]       ; AC = 0
    ; AC set at CPL 3 itself with POPFD, then a misaligned read.
    EXPECT_FAULT .pf_r
    TO_RING3 .pf_u, 2
.pf_u:
    mov ax, SEL_UDATA32
    mov ds, ax
    push dword FL_AC | 2
    popfd
.pf_i:
    mov eax, [ac_buf + 1]
    int 0x62
.pf_r:
    CHECK_EXC 17, 0, .pf_i
    ; CPL 0 is never checked.
    push dword FL_AC | 2
    popfd
    NO_EXC mov eax, [ac_buf + 1]
    push dword 2
    popfd
    ; AM = 0: no check at CPL 3 either.
    mov eax, cr0
    and eax, ~CR0_AM
    mov cr0, eax
    R3_AC 0, FL_AC, mov eax, [ac_buf + 1]
    PASS

section .data
align 16
ac_buf: times 16 db 0
