; Self-modifying code in real mode (SDM vol. 3 11.6: on P6 and later a
; write to a code location that is already fetched or decoded is detected
; and the new bytes execute - even the very next instruction). The image
; runs from RAM, so its code can be written in place.
%include "lib/ember.inc"

test_main:
    ; ---- A write to the immediate of the very next instruction.
    mov byte [.next + 1], 0x42
.next:
    mov al, 0x00
    movzx eax, al
    ASSERT_EQ eax, 0x42

    ; ---- The same through another segment:offset for the same linear
    ; address (DS = 0x0100: offset - 0x1000).
    mov ax, 0x0100
    mov es, ax
    mov byte [es:.next2 + 1 - 0x1000], 0x43
.next2:
    mov al, 0x00
    movzx eax, al
    ASSERT_EQ eax, 0x43
    xor ax, ax
    mov es, ax

    ; ---- A write a few instructions ahead in the same straight-line run.
    mov dword [.later + 2], 0x0BADF00D  ; 66 B8 id
    nop
    inc ecx
    dec ecx
    nop
.later:
    mov eax, 0x11111111
    ASSERT_EQ eax, 0x0BADF00D

    ; ---- A loop that rewrites its own immediate every iteration: the sum
    ; shows each new value was executed (1 + 2 + 3 + 4 + 5 = 15).
    xor ebx, ebx
    mov ecx, 1
.loop:
    mov [.imm + 3], ecx             ; 66 81 C3 id: ADD EBX, imm32
.imm:
    add ebx, strict dword 0
    inc ecx
    cmp ecx, 5
    jbe .loop
    ASSERT_EQ ebx, 15

    ; ---- Code run once, then rewritten, then run again.
    mov dword [calls], 0
    call patched
    ASSERT_EQ eax, 1
    mov byte [patched + 2], 2      ; 66 B8 id: the immediate's low byte
    call patched
    ASSERT_EQ eax, 2

    ; ---- REP STOSB overwrites code right after itself: a jump to the
    ; failure path becomes NOPs.
    mov di, .doomed
    mov al, 0x90
    mov cx, .doomed_end - .doomed
    rep stosb
.doomed:
    jmp near .smashed_fail
    jmp near .smashed_fail
.doomed_end:
    jmp .smc_word

.smashed_fail:
    FAIL EXIT_FAIL, "REP STOSB over the following code did not take effect"

    ; ---- One store that rewrites two instructions at once (a dword over
    ; the opcode of one and the start of the next): INC AX; INC AX becomes
    ; DEC AX; DEC AX.
.smc_word:
    xor eax, eax
    mov word [.pair], 0x4848
.pair:
    inc ax
    inc ax
    ASSERT_EQ eax, 0x0000FFFE
    PASS

patched:
    mov eax, 1
    ret

section .data
calls: dd 0
