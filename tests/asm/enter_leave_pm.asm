; ENTER_LEAVE_BODY (body/enter_leave.inc) in 32-bit protected mode at CPL 0.
%include "lib/ember.inc"
%include "body/enter_leave.inc"

test_main:
    ENTER_PM
    ENTER_LEAVE_BODY
    PASS
