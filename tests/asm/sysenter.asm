; SYSENTER / SYSEXIT (SDM vol. 2): a round trip CPL 3 -> CPL 0 -> CPL 3.
; SYSENTER loads CS = IA32_SYSENTER_CS (MSR 174H), SS = CS + 8,
; ESP = MSR 175H, EIP = MSR 176H, clears IF, VM and RF; SYSEXIT loads
; CS = SYSENTER_CS + 16 | 3, SS = + 24 | 3, ESP = ECX, EIP = EDX and
; leaves EFLAGS alone. #GP(0): either in real mode, SYSENTER with
; SYSENTER_CS = 0, SYSEXIT at CPL 3 or with SYSENTER_CS = 0; RDMSR of a
; register that does not exist.
%include "lib/ember.inc"

MSR_CS  equ 0x174
MSR_ESP equ 0x175
MSR_EIP equ 0x176
SYS_ESP equ STACK0_TOP - 0x200

%macro WRMSR 2
    mov ecx, %1
    mov eax, %2
    xor edx, edx
    wrmsr
%endmacro

test_main:
    ; Real mode: #GP (interrupt 13 through the IVT).
    FAULT 13, NOERR, sysenter
    FAULT 13, NOERR, sysexit
    ENTER_PM
    call load_tr
    IDT_DEFAULT 0x62, 3
    WRMSR MSR_CS, SEL_CODE32
    WRMSR MSR_ESP, SYS_ESP
    WRMSR MSR_EIP, sys_entry
    mov ecx, MSR_EIP
    rdmsr
    ASSERT_EQ eax, sys_entry
    ASSERT_EQ edx, 0
    mov ecx, MSR_CS
    rdmsr
    ASSERT_EQ eax, SEL_CODE32

    ; ---- The round trip, IF = 1 at CPL 3.
    EXPECT_FAULT .back
    TO_RING3 .user, FL_IF | 2
.user:
    mov ax, SEL_UDATA32
    mov ds, ax
    mov esi, 0x5A5A5A5A
    mov ecx, STACK3_TOP - 0x40      ; where SYSEXIT puts ESP
    mov edx, .user_ret              ; and EIP
    sysenter
    hlt
.user_ret:
    mov eax, cs
    mov [ss:r_ucs], eax
    mov eax, ss
    mov [ss:r_uss], eax
    mov [ss:r_uesp], esp
    pushfd
    pop eax
    mov [ss:r_ufl], eax
    mov [ss:r_uesi], esi
    mov eax, ds
    mov [ss:r_uds], eax
    int 0x62
.back:
    ASSERT_EQ dword [r_cs], SEL_CODE32
    ASSERT_EQ dword [r_ss], SEL_DATA32
    ASSERT_EQ dword [r_esp], SYS_ESP
    mov eax, [r_fl]
    and eax, FL_IF | FL_VM | FL_RF
    ASSERT_EQ eax, 0
    ASSERT_EQ dword [r_esi], 0x5A5A5A5A
    ASSERT_EQ dword [r_ucs], SEL_UCODE32
    ASSERT_EQ dword [r_uss], SEL_UDATA32
    ASSERT_EQ dword [r_uesp], STACK3_TOP - 0x40
    mov eax, [r_ufl]
    and eax, FL_IF
    ASSERT_EQ eax, 0                ; SYSEXIT kept SYSENTER's IF = 0
    ASSERT_EQ dword [r_uesi], 0x5A5A5A5A
    ASSERT_EQ dword [r_uds], SEL_UDATA32    ; DS untouched

    ; ---- #GP(0) cases.
    EXPECT_FAULT .exit3_r
    TO_RING3 .exit3_i, 2
.exit3_i:
    sysexit                         ; CPL 3
    NO_FAULT
.exit3_r:
    CHECK_EXC 13, 0, .exit3_i
    WRMSR MSR_CS, 0
    FAULT 13, 0, sysexit
    EXPECT_FAULT .enter0_r
    TO_RING3 .enter0_i, 2
.enter0_i:
    sysenter                        ; SYSENTER_CS = 0
    NO_FAULT
.enter0_r:
    CHECK_EXC 13, 0, .enter0_i
    mov ecx, 0x12345678
    FAULT 13, 0, rdmsr
    FAULT 13, 0, wrmsr
    PASS

; CPL 0 entry point: record, then back with SYSEXIT (ECX, EDX as given).
sys_entry:
    push eax
    mov eax, cs
    mov [ss:r_cs], eax
    mov eax, ss
    mov [ss:r_ss], eax
    lea eax, [esp + 4]
    mov [ss:r_esp], eax
    pushfd
    pop eax
    mov [ss:r_fl], eax
    mov [ss:r_esi], esi
    pop eax
    sysexit

section .data
align 4
r_cs:   dd 0
r_ss:   dd 0
r_esp:  dd 0
r_fl:   dd 0
r_esi:  dd 0
r_ucs:  dd 0
r_uss:  dd 0
r_uesp: dd 0
r_ufl:  dd 0
r_uesi: dd 0
r_uds:  dd 0
