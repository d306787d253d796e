; STRING_BODY (body/string.inc) in real mode.
%include "lib/ember.inc"
%include "body/string.inc"

test_main:
    STRING_BODY
    PASS
