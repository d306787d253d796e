; #UD in 32-bit protected mode: UD_BODY (body/ud.inc). ARPL is defined in
; protected mode (SDM vol. 2 ARPL): it raises the destination RPL.
%include "lib/ember.inc"
%include "body/ud.inc"

test_main:
    ENTER_PM
    UD_BODY
    mov eax, 0x1230                 ; RPL 0
    mov ebx, 0x0003                 ; RPL 3
    NO_EXC arpl ax, bx
    ASSERT_FLAGS FL_ZF, FL_ZF
    ASSERT_EQ eax, 0x1233
    NO_EXC arpl ax, bx              ; already 3: ZF = 0, unchanged
    ASSERT_FLAGS FL_ZF, 0
    ASSERT_EQ eax, 0x1233
    PASS
