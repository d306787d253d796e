; Call gates (SDM vol. 3 5.8.3-5.8.6, vol. 2 CALL/RET far):
; - CALL from CPL 3 through a DPL-3 32-bit gate to CPL-0 code switches to
;   SS0:ESP0 and builds: SS, ESP, the parameters (count from the gate,
;   copied in their order), CS, EIP; RETF n at CPL 0 returns to CPL 3,
;   drops the parameters from both stacks, nulls DPL-0 data registers;
; - a gate to the same privilege switches no stack and copies nothing;
; - the gate's offset counts, the call's offset is ignored;
; - a conforming code segment runs at the caller's CPL;
; - gate DPL < CPL: #GP(gate); gate not present: #NP(gate); a JMP through
;   a gate may not change privilege: #GP(code selector).
%include "lib/ember.inc"

SEL_GATE3   equ 0x40 | 3    ; DPL 3 gate to ring 0, 2 dwords of parameters
SEL_GATE0   equ 0x48        ; DPL 0 gate to ring 0 (same privilege)
SEL_GATENP  equ 0x50 | 3    ; DPL 3, not present
SEL_GATEDPL equ 0x58 | 3    ; DPL 0 gate, called from CPL 3
SEL_CONF0   equ 0x60        ; conforming readable code, DPL 0
SEL_CONF3   equ 0x68        ; conforming readable code, DPL 3

test_main:
    ENTER_PM
    call load_tr
    GDT_GATE SEL_GATE3, SEL_CODE32, gate_target, ACC_CALLGATE | 0x60, 2
    GDT_GATE SEL_GATE0, SEL_CODE32, gate_same, ACC_CALLGATE, 0
    GDT_GATE SEL_GATENP, SEL_CODE32, gate_target, (ACC_CALLGATE & 0x7F) | 0x60, 2
    GDT_GATE SEL_GATEDPL, SEL_CODE32, gate_target, ACC_CALLGATE, 2
    IDT_DEFAULT 0x62, 3
    GDT_DESC SEL_CONF0, 0, 0xFFFFF, 0x9E, DF_G32
    GDT_DESC SEL_CONF3, 0, 0xFFFFF, 0xFE, DF_G32

    ; ---- CPL 3 -> CPL 0 with two parameters, and back.
    EXPECT_FAULT .back1
    TO_RING3 .user1, 0x0002
.user1:
    mov ax, SEL_UDATA32
    mov ds, ax
    mov es, ax
    push dword 0x11111111           ; parameter 1 (pushed first)
    push dword 0x22222222           ; parameter 2
    call SEL_GATE3:0xDEADBEEF       ; the offset is ignored
.ret1:
    mov [u_esp], esp
    mov eax, ds
    mov [u_ds], eax
    mov eax, es
    mov [ss:u_es], eax
    mov eax, cs
    mov [ss:u_cs], eax
    int 0x62
.back1:
    ASSERT_EQ dword [g_cs], SEL_CODE32
    ASSERT_EQ dword [g_esp], STACK0_TOP - 24
    ASSERT_EQ dword [g_frame], .ret1            ; EIP
    ASSERT_EQ dword [g_frame + 4], SEL_UCODE32  ; CS
    ASSERT_EQ dword [g_frame + 8], 0x22222222   ; parameters, same order
    ASSERT_EQ dword [g_frame + 12], 0x11111111
    ASSERT_EQ dword [g_frame + 16], STACK3_TOP - 8 ; caller's ESP
    ASSERT_EQ dword [g_frame + 20], SEL_UDATA32    ; caller's SS
    ASSERT_EQ dword [u_esp], STACK3_TOP         ; RETF 8 popped them
    ASSERT_EQ dword [u_ds], SEL_UDATA32         ; DPL 3: kept
    ASSERT_EQ dword [u_es], 0                   ; DPL 0 (set by the gate code): nulled
    ASSERT_EQ dword [u_cs], SEL_UCODE32

    ; ---- Same privilege (CPL 0 through a DPL-0 gate): no stack switch.
    mov [saved_esp], esp
    push dword 0x33333333
    call SEL_GATE0:0
    add esp, 4
    mov eax, [saved_esp]
    sub eax, 4 + 8                  ; one push, then EIP and CS
    ASSERT_EQ dword [g_esp], eax
    ASSERT_EQ dword [g_frame + 4], SEL_CODE32
    ASSERT_EQ dword [g_frame + 8], 0x33333333   ; the caller's own stack

    ; ---- Errors, from CPL 3.
    EXPECT_FAULT .np_r
    TO_RING3 .np_u, 0x0002
.np_u:
.np_i:
    call SEL_GATENP:0
    NO_FAULT
.np_r:
    CHECK_EXC 11, SEL_GATENP & ~3, .np_i
    EXPECT_FAULT .dpl_r
    TO_RING3 .dpl_u, 0x0002
.dpl_u:
.dpl_i:
    call SEL_GATEDPL:0
    NO_FAULT
.dpl_r:
    CHECK_EXC 13, SEL_GATEDPL & ~3, .dpl_i
    EXPECT_FAULT .jmp_r
    TO_RING3 .jmp_u, 0x0002
.jmp_u:
.jmp_i:
    jmp SEL_GATE3:0
    NO_FAULT
.jmp_r:
    CHECK_EXC 13, SEL_CODE32, .jmp_i
    ; ---- A conforming code segment (DPL 0) called from CPL 3 runs at
    ; CPL 3: CS.RPL = 3, no stack switch (SDM vol. 3 5.8.1.2).
    EXPECT_FAULT .conf_back
    TO_RING3 .conf_u, 0x0002
.conf_u:
    mov ax, SEL_UDATA32
    mov ds, ax
    call SEL_CONF0:conf_code
    int 0x62
.conf_back:
    ASSERT_EQ dword [c_cs], SEL_CONF0 | 3
    ASSERT_EQ dword [c_esp], STACK3_TOP - 8
    ASSERT_EQ dword [c_retcs], SEL_UCODE32
    ; A conforming segment with DPL 3 cannot be called from CPL 0.
    FAULT 13, SEL_CONF3, call SEL_CONF3:conf_code

    ; ---- RETF at CPL 0 to CPL 3 with a bad return SS (DPL 0): #GP.
    push dword SEL_DATA32 | 3
    push dword STACK3_TOP
    push dword SEL_UCODE32
    push dword .never
    EXPECT_FAULT .ss_r
.ss_i:
    retf
.never:
    NO_FAULT
.ss_r:
    CHECK_EXC 13, SEL_DATA32, .ss_i
    PASS

; CPL 0 through SEL_GATE3: record the frame (EIP CS p2 p1 ESP SS), load a
; DPL-0 selector into ES, return dropping 8 bytes of parameters.
gate_target:
    mov [ss:g_esp], esp
    push eax
    mov eax, cs
    mov [ss:g_cs], eax
    mov eax, [esp + 4]
    mov [ss:g_frame], eax
    mov eax, [esp + 8]
    mov [ss:g_frame + 4], eax
    mov eax, [esp + 12]
    mov [ss:g_frame + 8], eax
    mov eax, [esp + 16]
    mov [ss:g_frame + 12], eax
    mov eax, [esp + 20]
    mov [ss:g_frame + 16], eax
    mov eax, [esp + 24]
    mov [ss:g_frame + 20], eax
    mov ax, SEL_DATA32
    mov es, ax
    pop eax
    retf 8

conf_code:
    mov eax, cs
    mov [c_cs], eax
    mov [c_esp], esp
    mov eax, [esp + 4]
    mov [c_retcs], eax
    retf

gate_same:
    mov [g_esp], esp
    push eax
    mov eax, [esp + 4]
    mov [g_frame], eax
    mov eax, [esp + 8]
    mov [g_frame + 4], eax
    mov eax, [esp + 12]
    mov [g_frame + 8], eax
    pop eax
    retf

section .data
align 4
g_esp:     dd 0
g_cs:      dd 0
g_frame:   times 6 dd 0
u_esp:     dd 0
u_ds:      dd 0
u_es:      dd 0
u_cs:      dd 0
saved_esp: dd 0
c_cs:      dd 0
c_esp:     dd 0
c_retcs:   dd 0
