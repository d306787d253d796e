; ember's demo boot image (the default guest of `make run` until Linux
; boots): a bare-metal ROM that greets over the debug console (port 0xE9),
; computes the primes below 200 with 32-bit arithmetic in real mode, prints
; them, and exits through port 0xF4 with 0 (exit status 1).
bits 16
org 0
ROM_SIZE equ 0x10000

start:
    cli
    mov ax, cs
    mov ds, ax
    xor ax, ax
    mov ss, ax
    mov sp, 0x7000
    mov si, banner
    call print
    mov ebx, 2                  ; candidate
.next:
    cmp ebx, 200
    jae .done
    mov ecx, 2                  ; divisor
.try:
    mov eax, ecx
    mul ecx
    cmp eax, ebx
    ja .prime                   ; divisor^2 > candidate
    mov eax, ebx
    xor edx, edx
    div ecx
    test edx, edx
    jz .composite
    inc ecx
    jmp .try
.prime:
    mov eax, ebx
    call print_decimal
    mov al, ' '
    out 0xE9, al
.composite:
    inc ebx
    jmp .next
.done:
    mov si, bye
    call print
    mov al, 0
    out 0xF4, al
    hlt

; Print the NUL-terminated string at DS:SI.
print:
    lodsb
    test al, al
    jz .end
    out 0xE9, al
    jmp print
.end:
    ret

; Print EAX in decimal.
print_decimal:
    push ebx
    push ecx
    push edx
    mov ebx, 10
    xor ecx, ecx
.divide:
    xor edx, edx
    div ebx
    push dx
    inc ecx
    test eax, eax
    jnz .divide
.emit:
    pop ax
    add al, '0'
    out 0xE9, al
    loop .emit
    pop edx
    pop ecx
    pop ebx
    ret

banner: db "ember demo ROM: primes below 200, computed by the emulated CPU:", 10, 0
bye:    db 10, "done.", 10, 0

times ROM_SIZE - 16 - ($ - $$) db 0xFF
reset_vector:
    jmp 0xF000:start
times ROM_SIZE - ($ - $$) db 0xFF
