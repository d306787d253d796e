; Virtual-8086 mode (SDM vol. 3 chapter 20), entered by IRET with VM = 1
; from CPL 0, with IOPL 3:
; - segments work as in real mode (base = selector * 16, 64 KiB);
; - CLI, STI, PUSHF, POPF work; PUSHFD stores VM and RF as 0;
; - INT n goes through the IDT to a CPL-0 handler: the frame holds GS, FS,
;   DS, ES, SS, ESP, EFLAGS (VM = 1), CS, EIP, the data segment registers
;   are null in the handler, and IRET returns to V86 with them restored;
; - exceptions leave V86 the same way (the recorder sees VM and the V86
;   CS:IP and SS:SP); privileged instructions raise #GP(0); the
;   descriptor-table instructions are #UD (not recognized in V86).
%include "lib/ember.inc"

V86_SS equ 0x7000
V86_SP equ 0xFFF0

; V86_FAULT vector, error, instruction...: a fresh V86 entry (IOPL 3)
; running the instruction, which must raise that exception.
%macro V86_FAULT 3+.nolist
    EXPECT_FAULT %%r
    V86_ENTER %%i, 0, V86_SS, V86_SP, 0, FL_IOPL
bits 16
%%i: %3
    int 0x64
bits 32
%%r:
    CHECK_EXC %1, %2, %%i
    mov eax, [exc_eflags]
    and eax, FL_VM
    ASSERT_EQ eax, FL_VM
    ASSERT_EQ dword [exc_cs], 0
    ASSERT_EQ dword [exc_ss3], V86_SS
    ASSERT_EQ dword [exc_esp3], V86_SP
%endmacro

test_main:
    ENTER_PM
    call load_tr
    IDT_GATE 0x63, SEL_CODE32, v86_probe, ACC_INTGATE | 0x60
    IDT_DEFAULT 0x64, 3

    EXPECT_FAULT .back
    V86_ENTER v86_main, 0, V86_SS, V86_SP, 0, FL_IOPL
.back:
    ; INT 0x64 brought us back: the recorder saw V86.
    ASSERT_EQ dword [exc_vector], 0x64
    ASSERT_EQ dword [exc_eip], v86_main.end
    ASSERT_EQ dword [exc_cs], 0
    mov eax, [exc_eflags]
    and eax, FL_VM | FL_IOPL
    ASSERT_EQ eax, FL_VM | FL_IOPL
    ASSERT_EQ dword [exc_ss3], V86_SS
    ASSERT_EQ dword [exc_esp3], V86_SP
    ; What V86 code saw.
    ASSERT_EQ dword [v_cs], 0
    ASSERT_EQ dword [v_ss], V86_SS
    ASSERT_EQ dword [v_sp], V86_SP
    ASSERT_EQ dword [v_flags16], 0x3002     ; IOPL 3, IF 0
    ASSERT_EQ dword [v_flagsd], 0x00003002  ; VM and RF read as 0
    ASSERT_EQ dword [v_cli], 0x3202         ; after STI: IF = 1
    ASSERT_EQ dword [0x12350], 0xBEEF       ; 1234:0010
    ASSERT_EQ dword [v_es_after], 0x1234
    ; INT 0x63 from V86: the frame and the null data segments.
    ASSERT_EQ dword [h_eip], v86_main.after63
    ASSERT_EQ dword [h_cs], 0
    mov eax, [h_eflags]
    and eax, FL_VM
    ASSERT_EQ eax, FL_VM
    ASSERT_EQ dword [h_esp], V86_SP
    ASSERT_EQ dword [h_ss], V86_SS
    ASSERT_EQ dword [h_es], 0x1234
    ASSERT_EQ dword [h_ds], 0
    ASSERT_EQ dword [h_fs], 0x2222
    ASSERT_EQ dword [h_gs], 0x3333
    ASSERT_EQ dword [h_nullsegs], 0
    ASSERT_EQ dword [h_entry_esp], STACK0_TOP - 36

    ; ---- Faults from V86.
    V86_FAULT 13, 0, hlt
    V86_FAULT 13, 0, mov eax, cr0
    V86_FAULT 13, 0, lgdt [0]
    V86_FAULT 6, NOERR, arpl ax, bx
    V86_FAULT 6, NOERR, lar ax, bx
    V86_FAULT 6, NOERR, sldt ax
    V86_FAULT 0, NOERR, div byte [zero]
    PASS

; INT 0x63 target (CPL 0): the V86 frame and the segment registers.
v86_probe:
    push eax
    push ebx
    mov ebx, ds
    mov eax, es
    or ebx, eax
    mov eax, fs
    or ebx, eax
    mov eax, gs
    or ebx, eax
    mov ax, SEL_DATA32
    mov ds, ax
    mov [h_nullsegs], ebx
    lea eax, [esp + 8]
    mov [h_entry_esp], eax
    mov eax, [esp + 8]
    mov [h_eip], eax
    mov eax, [esp + 12]
    mov [h_cs], eax
    mov eax, [esp + 16]
    mov [h_eflags], eax
    mov eax, [esp + 20]
    mov [h_esp], eax
    mov eax, [esp + 24]
    mov [h_ss], eax
    mov eax, [esp + 28]
    mov [h_es], eax
    mov eax, [esp + 32]
    mov [h_ds], eax
    mov eax, [esp + 36]
    mov [h_fs], eax
    mov eax, [esp + 40]
    mov [h_gs], eax
    pop ebx
    pop eax
    iretd

bits 16
v86_main:
    mov ax, cs
    mov [v_cs], ax
    mov ax, ss
    mov [v_ss], ax
    mov [v_sp], sp
    pushf
    pop ax
    mov [v_flags16], ax
    pushfd
    pop eax
    mov [v_flagsd], eax
    sti
    pushf
    pop ax
    mov [v_cli], ax
    cli
    mov ax, 0x1234
    mov es, ax
    mov word [es:0x10], 0xBEEF
    mov ax, 0x2222
    mov fs, ax
    mov ax, 0x3333
    mov gs, ax
    int 0x63
.after63:
    mov ax, es
    mov [v_es_after], ax
    mov al, 'v'
    out 0xE9, al
    mov al, 10
    out 0xE9, al
.end_int:
    int 0x64
.end:
bits 32

section .data
align 4
v_cs:        dd 0
v_ss:        dd 0
v_sp:        dd 0
v_flags16:   dd 0
v_flagsd:    dd 0
v_cli:       dd 0
v_es_after:  dd 0
h_eip:       dd 0
h_cs:        dd 0
h_eflags:    dd 0
h_esp:       dd 0
h_ss:        dd 0
h_es:        dd 0
h_ds:        dd 0
h_fs:        dd 0
h_gs:        dd 0
h_nullsegs:  dd 0xFFFF
h_entry_esp: dd 0
zero:        db 0
