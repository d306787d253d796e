; The code-segment limit (SDM vol. 3 5.3; vol. 2 JMP, CALL, RET): an
; instruction that does not fit below the limit raises #GP(0) where it
; starts, even when the same bytes ran (and were decoded) through a
; larger segment before; one that ends exactly at the limit runs; a near
; jump to a target past the limit faults at the jump; a far call with an
; offset past the limit faults at the call.
%include "lib/ember.inc"

SEL_CLIM equ 0x40           ; code, base 0, limit lim_two + 2

%macro FAULT_IN_CLIM 1
    EXPECT_FAULT %%r
    call SEL_CLIM:%1
    NO_FAULT
%%r:
    CHECK_EXC 13, 0, %1
    ASSERT_EQ dword [exc_cs], SEL_CLIM
%endmacro

test_main:
    ENTER_PM
    GDT_DESC SEL_CLIM, 0, lim_two + 2, ACC_CODE0, DF_B32
    ; Ends exactly at the limit: runs.
    mov eax, 0
    call SEL_CLIM:lim_one
    ASSERT_EQ eax, 1
    ; Straddles the limit: #GP(0) at its first byte, in SEL_CLIM.
    FAULT_IN_CLIM lim_two
    ; The same bytes through the flat segment run fine ...
    call SEL_CODE32:lim_two
    ASSERT_EQ eax, 2
    ; ... and through the limited one still fault.
    FAULT_IN_CLIM lim_two
    ; A near JMP whose target is past the limit: #GP(0) at the JMP.
    FAULT_IN_CLIM lim_jmp
    ; A far call with an offset past the limit: #GP(0) at the call.
    FAULT 13, 0, call SEL_CLIM:lim_over
    PASS


align 16
lim_jmp:
    jmp near lim_over               ; 5 bytes
lim_one:
    mov eax, 1                      ; 5 bytes
    retf                            ; the last byte below the limit+1 ...
lim_two:
    mov eax, 2                      ; ... this one crosses it
    retf
lim_over:
    retf
