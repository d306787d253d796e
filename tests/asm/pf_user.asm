; Page-level protection at CPL 3 (SDM vol. 3 4.6, 4.7): the U/S and R/W
; rights of the PDE and the PTE combine (both must allow); a user access
; to a supervisor page faults with P=1 U=1 (W as accessed); a user write
; to a read-only page faults whatever CR0.WP says; not-present pages give
; P=0 U=1. CPL 0 may read user pages. Accesses the processor makes for
; CPL 3 code to the GDT, IDT, TSS and ring-0 stack are supervisor
; accesses: they work on supervisor-only pages. CR2, EIP and the outer
; SS:ESP are checked for each fault.
%include "lib/ember.inc"

U_RW   equ 0x00C00000       ; user read/write
U_RO   equ 0x00C01000       ; user read-only
S_RW   equ 0x00C02000       ; supervisor only
U_NP   equ 0x00C03000       ; not present
U_CODE equ 0x00C04000       ; supervisor-only page holding code
PDE_S  equ 0x01000000       ; PDE U=0, PTE U=1
PDE_RO equ 0x01400000       ; PDE W=0, PTE W=1 (both user)

; U_PF error, cr2, instruction...: at CPL 3 (IOPL 0).
%macro U_PF 3+.nolist
    EXPECT_FAULT %%r
    TO_RING3 %%u, 2
%%u:
    mov ax, SEL_UDATA32
    mov ds, ax
    mov es, ax
%%i: %3
    int 0x62
%%r:
    CHECK_EXC 14, %1, %%i
    ASSERT_EQ dword [exc_cr2], %2
    ASSERT_EQ dword [exc_cs], SEL_UCODE32
    ASSERT_EQ dword [exc_ss3], SEL_UDATA32
%endmacro

; U_OK instruction...: at CPL 3, no fault.
%macro U_OK 1+.nolist
    EXPECT_FAULT %%r
    TO_RING3 %%u, 2
%%u:
    mov ax, SEL_UDATA32
    mov ds, ax
    mov es, ax
    %1
%%e: int 0x62
%%r:
    CHECK_EXC 0x62, NOERR, %%e + 2
%endmacro

; Clear U in the PTE of the page holding address %1.
%macro SUPERVISOR_ONLY 1
    mov eax, %1
    call pte_of
    and dword [edi], ~PG_U
    invlpg [eax]
%endmacro

test_main:
    ENTER_PM
    call load_tr
    IDT_DEFAULT 0x62, 3
    call paging_init
    mov eax, U_RW
    mov ebx, 0x00360000 | PG_P | PG_W | PG_U
    call map_page
    mov eax, U_RO
    mov ebx, 0x00361000 | PG_P | PG_U
    call map_page
    mov eax, S_RW
    mov ebx, 0x00362000 | PG_P | PG_W
    call map_page
    mov eax, U_NP
    mov ebx, 0
    call map_page
    mov eax, U_CODE
    mov ebx, 0x00364000 | PG_P | PG_W
    call map_page
    mov byte [0x00364000], 0xC3     ; RET
    mov eax, PDE_S
    mov ebx, 0x00365000 | PG_P | PG_W | PG_U
    call map_page
    and dword [page_dir + (PDE_S >> 22) * 4], ~PG_U
    mov eax, PDE_RO
    mov ebx, 0x00366000 | PG_P | PG_W | PG_U
    call map_page
    and dword [page_dir + (PDE_RO >> 22) * 4], ~PG_W
    mov eax, cr3
    mov cr3, eax
    ; The descriptor tables, the TSS and the ring-0 stack: supervisor only.
    SUPERVISOR_ONLY gdt
    SUPERVISOR_ONLY idt
    SUPERVISOR_ONLY idt + 0x7FF
    SUPERVISOR_ONLY tss0
    SUPERVISOR_ONLY STACK0_TOP - 4

    mov dword [0x00361000], 0x0000AAAA
    mov dword [0x00362000], 0x0000BBBB

    ; ---- What CPL 3 may do, including an INT through the (supervisor)
    ; IDT with a stack switch to the (supervisor) ring-0 stack.
    U_OK mov eax, [U_RW]
    U_OK mov dword [U_RW], 1
    U_OK mov eax, [U_RO]
    ; ---- Faults.
    U_PF 5, S_RW + 4, mov eax, [S_RW + 4]
    U_PF 7, S_RW + 8, mov dword [S_RW + 8], 0
    U_PF 7, U_RO, mov dword [U_RO], 0       ; WP = 0: still a fault at CPL 3
    U_PF 7, U_RO + 0x10, inc byte [U_RO + 0x10]
    U_PF 4, U_NP + 0x20, mov eax, [U_NP + 0x20]
    U_PF 6, U_NP + 0x20, mov [U_NP + 0x20], eax
    U_PF 5, PDE_S + 0x30, mov eax, [PDE_S + 0x30]
    U_PF 7, PDE_RO + 0x40, mov [PDE_RO + 0x40], eax
    U_OK mov eax, [PDE_RO + 0x40]
    U_PF 5, gdt, mov eax, [gdt]              ; explicit user read of the GDT
    ; A fetch from a supervisor page: EIP and CR2 are the target.
    EXPECT_FAULT .fetch_r
    TO_RING3 .fetch_u, 2
.fetch_u:
    call U_CODE
    int 0x62
.fetch_r:
    ASSERT_EQ dword [exc_vector], 14
    ASSERT_EQ dword [exc_error], 5
    ASSERT_EQ dword [exc_eip], U_CODE
    ASSERT_EQ dword [exc_cr2], U_CODE
    ASSERT_EQ dword [exc_esp3], STACK3_TOP - 4
    ; WP = 1 changes nothing for CPL 3 ...
    mov eax, cr0
    or eax, CR0_WP
    mov cr0, eax
    U_PF 7, U_RO, mov dword [U_RO], 0
    ; ... and CPL 0 reads user and supervisor pages alike.
    ASSERT_EQ dword [U_RO], 0x0000AAAA
    ASSERT_EQ dword [S_RW], 0x0000BBBB
    call U_CODE
    PASS
