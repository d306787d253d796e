; Triple fault from protected mode (SDM vol. 3 6.15 interrupt 8: an
; exception while delivering #DF shuts the processor down; the chipset
; resets it). #GP with a not-present #GP gate raises #NP (#DF), whose gate
; is missing too: shutdown. A marker in RAM above the image survives; the
; second boot checks the state RESET gives (SDM vol. 3 table 9-1):
; real mode, CR0 = 60000010H, CR4 = 0, DR7 = 400H, DR6 = FFFF0FF0H,
; GDTR and IDTR base 0 limit FFFFH, EDX = the signature.
%include "lib/ember.inc"

MARK_ARMED equ 0x54504D44
MARKER     equ MARKER_BASE + 0x200

test_main:
    mov ax, MARKER >> 4
    mov es, ax
    cmp dword [es:0], MARK_ARMED
    je .second_boot
    mov dword [es:0], MARK_ARMED
    mov dword [es:4], 1
    PRINT "first boot", 10
    ENTER_PM
    ; Leave state that RESET must undo.
    mov eax, cr4
    or eax, CR4_PSE | CR4_DE
    mov cr4, eax
    mov eax, 0x000000FF
    mov dr7, eax
    mov eax, cr0
    or eax, CR0_WP | CR0_NE | CR0_MP
    mov cr0, eax
    and dword [idt + 13 * 8 + 4], ~0x8000
    and dword [idt + 11 * 8 + 4], ~0x8000
    and dword [idt + 8 * 8 + 4], ~0x8000
    xor eax, eax
    mov es, ax
    mov eax, [es:0]                 ; #GP -> #NP -> #DF -> shutdown
    FAIL EXIT_FAIL, "no triple fault"

bits 16
.second_boot:
    inc dword [es:4]
    ASSERT_EQ dword [es:4], 2
    mov dword [es:0], 0
    PRINT "second boot", 10
    mov eax, cr0
    ASSERT_EQ eax, 0x60000010
    mov eax, cr4
    ASSERT_EQ eax, 0
    mov eax, dr7
    ASSERT_EQ eax, 0x00000400
    mov eax, dr6
    ASSERT_EQ eax, 0xFFFF0FF0
    sgdt [dt_buf]
    movzx eax, word [dt_buf]
    ASSERT_EQ eax, 0xFFFF
    mov eax, [dt_buf + 2]
    and eax, 0x00FFFFFF             ; a 16-bit SGDT stores 24 bits of base
    ASSERT_EQ eax, 0
    sidt [dt_buf]
    movzx eax, word [dt_buf]
    ASSERT_EQ eax, 0xFFFF
    mov eax, [dt_buf + 2]
    and eax, 0x00FFFFFF
    ASSERT_EQ eax, 0
    mov eax, [reset_edx]
    shr eax, 8
    and eax, 0xF
    ASSERT_EQ eax, 6
    PASS

section .data
dt_buf: times 8 db 0
