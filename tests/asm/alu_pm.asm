; ALU_BODY (body/alu.inc) in 32-bit protected mode at CPL 0.
%include "lib/ember.inc"
%include "body/alu.inc"

test_main:
    ENTER_PM
    ALU_BODY
    PASS
