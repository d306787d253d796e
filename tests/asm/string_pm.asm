; STRING_BODY (body/string.inc) in 32-bit protected mode at CPL 0.
%include "lib/ember.inc"
%include "body/string.inc"

test_main:
    ENTER_PM
    STRING_BODY
    PASS
