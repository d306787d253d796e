; Triple fault in real mode (SDM vol. 2 PUSH, "IA-32 Architecture
; Compatibility": a PUSH with SP = 1 in real mode raises #SS, whose
; delivery raises #SS again, hence #DF, whose delivery raises a third
; #SS: shutdown). The machine resets; RAM survives, so a marker left
; above the image tells the second boot what happened. After the reset
; the CPU starts over at F000:FFF0 with EDX = the processor signature.
%include "lib/ember.inc"

MARK_ARMED equ 0x41524D44           ; "DMRA"
MARKER     equ MARKER_BASE + 0x100

test_main:
    mov ax, MARKER >> 4
    mov es, ax
    cmp dword [es:0], MARK_ARMED
    je .second_boot
    ; First boot: arm the marker and count boots.
    mov dword [es:0], MARK_ARMED
    mov dword [es:4], 1
    mov eax, [reset_edx]
    mov [es:8], eax
    PRINT "first boot", 10
    mov sp, 1
    push ax                         ; #SS -> #SS -> #DF -> #SS: shutdown
    FAIL EXIT_FAIL, "PUSH with SP = 1 did not shut down"

.second_boot:
    inc dword [es:4]
    ASSERT_EQ dword [es:4], 2       ; exactly one reset
    PRINT "second boot", 10
    mov eax, [reset_edx]            ; the signature again
    ASSERT_EQ eax, [es:8]
    shr eax, 8
    and eax, 0xF
    ASSERT_EQ eax, 6
    mov dword [es:0], 0
    PASS
