; #UD in real mode: UD_BODY (body/ud.inc), plus the instructions the SDM
; says are "not recognized in real-address mode" (vol. 2: ARPL, LAR, LSL,
; LLDT, SLDT, LTR, STR, VERR, VERW raise #UD there).
%include "lib/ember.inc"
%include "body/ud.inc"

test_main:
    UD_BODY
    FAULT 6, NOERR, arpl ax, bx
    FAULT 6, NOERR, lar ax, bx
    FAULT 6, NOERR, lsl eax, ebx
    FAULT 6, NOERR, sldt ax
    FAULT 6, NOERR, str ax
    FAULT 6, NOERR, lldt ax
    FAULT 6, NOERR, ltr ax
    FAULT 6, NOERR, verr ax
    FAULT 6, NOERR, verw ax
    PASS
