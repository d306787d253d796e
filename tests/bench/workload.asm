; The fixed integer workload of `make bench`: loops of ALU work, memory
; traffic, calls and string instructions, in 32-bit flat protected mode.
; Loaded at 1 MiB by bench.c, entered with the CPU already in flat mode;
; ends with HLT (interrupts off), which makes cpu_run return.
bits 32
org 0x100000

OUTER equ 400

start:
    mov esp, 0x300000
    mov ebp, OUTER
outer:
    ; ALU: a dependency chain of adds, logic, shifts, LEA and IMUL.
    mov ecx, 10000
    xor eax, eax
    mov ebx, 0x12345678
.alu:
    add eax, ebx
    xor ebx, eax
    rol ebx, 3
    sub eax, ecx
    and edx, eax
    or edx, ebx
    shr edx, 1
    lea esi, [eax + ebx * 2 + 5]
    imul esi, esi, 3
    dec ecx
    jnz .alu

    ; Memory: read-modify-write over a 16 KiB array, byte loads.
    mov ecx, 4096
    mov edi, buffer
.mem:
    mov eax, [edi]
    add eax, ecx
    mov [edi], eax
    add edi, 4
    movzx edx, byte [edi - 3]
    add ebx, edx
    dec ecx
    jnz .mem

    ; Calls: a small function with a frame.
    mov ecx, 5000
.call:
    push ecx
    call func
    add esp, 4
    dec ecx
    jnz .call

    ; Strings: block copy, fill, and a LODSB loop.
    mov esi, buffer
    mov edi, buffer2
    mov ecx, 4096
    rep movsd
    mov edi, buffer2
    mov ecx, 4096
    xor eax, eax
    rep stosd
    mov esi, buffer
    mov ecx, 2000
.lods:
    lodsb
    add bl, al
    loop .lods

    dec ebp
    jnz outer
    hlt

func:
    push ebp
    mov ebp, esp
    mov eax, [ebp + 8]
    add eax, 1
    cmp eax, 100
    jb .small
    sub eax, 100
.small:
    pop ebp
    ret

align 4096          ; data on its own pages, as compiled programs have it
buffer:  times 16384 db 0x5A
buffer2: times 16384 db 0
