; 16-bit forms in protected mode (SDM vol. 3 6.12.1, figure 6-4; vol. 2
; CALL, RET, IRET, LSS, JMP with 16-bit operand size):
; - a 16-bit interrupt gate pushes FLAGS, CS, IP as words (and a word
;   error code for the vectors that have one); a 16-bit IRET pops them;
; - far CALL/RET and JMP with a 16-bit operand size use m16:16 pointers
;   and push/pop words;
; - LSS/LFS/LGS load a selector and an offset from memory.
%include "lib/ember.inc"

test_main:
    ENTER_PM
    ; ---- INT through a 16-bit interrupt gate, same privilege.
    IDT_GATE 0x70, SEL_CODE16, h16_int, 0x86
    mov [saved_esp], esp
    push dword FL_CF | 2
    popfd
    int 0x70
.after70:
    ASSERT_EQ eax, 0x1616
    mov eax, [saved_esp]
    sub eax, 6
    ASSERT_EQ dword [h_esp], eax            ; three words
    ASSERT_EQ dword [h_ip], .after70
    ASSERT_EQ dword [h_cs], SEL_CODE32
    mov eax, [h_fl]
    and eax, FL_CF | FL_IF
    ASSERT_EQ eax, FL_CF
    mov eax, [saved_esp]
    ASSERT_ESP eax                           ; the 16-bit IRET popped 6

    ; ---- #GP through a 16-bit gate: a word of error code.
    IDT_GATE 13, SEL_CODE16, h16_gp, 0x86
    mov [saved_esp], esp
    mov ax, SEL_DATA32 | 3
.gp_i:
    mov ds, ax                               ; #GP(0x10)
.gp_after:
    IDT_DEFAULT 13, 0
    mov eax, [saved_esp]
    sub eax, 8
    ASSERT_EQ dword [h_esp], eax             ; four words
    ASSERT_EQ dword [h_err], SEL_DATA32
    ASSERT_EQ dword [h_ip], .gp_i

    ; ---- 16-bit far CALL through memory, 16-bit RETF.
    mov [saved_esp], esp
    o16 call far [ptr16]
    ASSERT_EQ eax, 0x1717
    mov eax, [saved_esp]
    ASSERT_ESP eax
    mov eax, [saved_esp]
    sub eax, 4
    ASSERT_EQ dword [h_esp], eax             ; CS and IP as words
    ; ---- 16-bit far JMP through memory.
    o16 jmp far [ptr16_jmp]
    FAIL EXIT_FAIL, "o16 jmp far fell through"
.jmp_back:
    ASSERT_EQ eax, 0x1818

    ; ---- LSS, LFS, LGS.
    mov [saved_esp], esp
    mov ax, ss
    mov [saved_ss], ax
    lss esp, [ptr_stack]
    mov eax, ss
    mov ebx, esp
    lss esp, [saved_esp_ptr]
    ASSERT_EQ eax, SEL_DATA16
    ASSERT_EQ ebx, 0x8000
    lfs eax, [ptr_fs]
    mov ebx, fs
    ASSERT_EQ eax, 0x12345678
    ASSERT_EQ ebx, SEL_DATA16
    o16 lgs ax, [ptr_gs16]
    mov ebx, gs
    and eax, 0xFFFF
    ASSERT_EQ eax, 0x4321
    ASSERT_EQ ebx, SEL_UDATA32
    mov ax, SEL_DATA32
    mov fs, ax
    mov gs, ax
    PASS

bits 16
; 16-bit handlers in SEL_CODE16 (base 0): the frame is words.
h16_int:
    push ebp                        ; the stack is 32-bit (SS = flat)
    mov ebp, esp
    lea eax, [ebp + 4]
    mov [h_esp], eax
    movzx eax, word [ebp + 4]
    mov [h_ip], eax
    movzx eax, word [ebp + 6]
    mov [h_cs], eax
    movzx eax, word [ebp + 8]
    mov [h_fl], eax
    mov eax, 0x1616
    pop ebp
    iret

h16_gp:
    push ebp
    mov ebp, esp
    lea eax, [ebp + 4]
    mov [h_esp], eax
    movzx eax, word [ebp + 4]
    mov [h_err], eax
    movzx eax, word [ebp + 6]
    mov [h_ip], eax
    mov word [ebp + 6], test_main.gp_after  ; resume after the MOV
    pop ebp
    add esp, 2                      ; drop the error code
    iret

h16_far:
    mov [h_esp], esp
    mov eax, 0x1717
    retf                            ; 16-bit: pops IP and CS words

h16_jmp:
    mov eax, 0x1818
    jmp dword SEL_CODE32:test_main.jmp_back
bits 32

section .data
align 4
saved_esp:     dd 0
saved_ss:      dd 0
saved_esp_ptr equ saved_esp
h_esp:   dd 0
h_ip:    dd 0
h_cs:    dd 0
h_fl:    dd 0
h_err:   dd 0
ptr16:     dw h16_far, SEL_CODE16
ptr16_jmp: dw h16_jmp, SEL_CODE16
ptr_stack: dd 0x8000
           dw SEL_DATA16
ptr_fs:    dd 0x12345678
           dw SEL_DATA16
ptr_gs16:  dw 0x4321, SEL_UDATA32
