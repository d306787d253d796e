; ALU_BODY (body/alu.inc) in real mode.
%include "lib/ember.inc"
%include "body/alu.inc"

test_main:
    ALU_BODY
    PASS
