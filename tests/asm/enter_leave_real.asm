; ENTER_LEAVE_BODY (body/enter_leave.inc) in real mode.
%include "lib/ember.inc"
%include "body/enter_leave.inc"

test_main:
    ENTER_LEAVE_BODY
    PASS
