; CPUID and the time-stamp counter in real mode (SDM vol. 2 CPUID, RDTSC,
; RDMSR/WRMSR; vol. 3 9.1.4, 17.17). EFLAGS.ID can be toggled (CPUID is
; there); leaf 1 EAX is the signature EDX held after RESET; the feature
; bits cover what this P6 implements; the TSC only goes forward and
; IA32_TIME_STAMP_COUNTER (MSR 10H) is the same counter.
%include "lib/ember.inc"

test_main:
    ; ---- EFLAGS.ID (bit 21) is writable.
    pushfd
    pop eax
    mov ebx, eax
    xor eax, 0x00200000
    push eax
    popfd
    pushfd
    pop eax
    xor eax, ebx
    ASSERT_EQ eax, 0x00200000
    push ebx
    popfd

    ; ---- Leaf 0: the highest leaf and the vendor.
    xor eax, eax
    cpuid
    mov [vendor], ebx
    mov [vendor + 4], edx
    mov [vendor + 8], ecx
    cmp eax, 1
    jae .leaf_ok
    FAIL 1, "CPUID.0: EAX < 1"
.leaf_ok:
    PRINT "vendor "
    mov si, vendor
    call print_str16
    PRINT_NL

    ; ---- Leaf 1: the signature and features.
    mov eax, 1
    cpuid
    ASSERT_EQ eax, [reset_edx]
    mov eax, edx
    and eax, (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 8) | (1 << 11) | (1 << 13) | (1 << 15)
    ASSERT_EQ eax, (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 8) | (1 << 11) | (1 << 13) | (1 << 15)
    ; DE PSE TSC MSR CX8 SEP PGE CMOV

    ; ---- RDTSC moves forward on every read.
    rdtsc
    mov [t_prev], eax
    mov [t_prev + 4], edx
    mov cx, 100
.tsc_loop:
    rdtsc
    cmp edx, [t_prev + 4]
    ja .newer
    jb .older
    cmp eax, [t_prev]
    ja .newer
.older:
    FAIL 2, "RDTSC went backwards or stood still"
.newer:
    mov [t_prev], eax
    mov [t_prev + 4], edx
    loop .tsc_loop

    ; ---- RDMSR 10H reads the same counter: between two RDTSCs.
    rdtsc
    mov [t_prev], eax
    mov [t_prev + 4], edx
    mov ecx, 0x10
    rdmsr
    mov [t_msr], eax
    mov [t_msr + 4], edx
    rdtsc
    ; t_prev < t_msr < (EDX:EAX), compared as 64-bit numbers
    sub eax, [t_msr]
    sbb edx, [t_msr + 4]
    jc .bad_msr
    mov eax, [t_msr]
    mov edx, [t_msr + 4]
    sub eax, [t_prev]
    sbb edx, [t_prev + 4]
    jnc .msr_ok
.bad_msr:
    FAIL 3, "RDMSR(10H) is not between two RDTSCs"
.msr_ok:
    ; ---- WRMSR 10H sets the counter.
    mov ecx, 0x10
    xor edx, edx
    mov eax, 0x00100000
    wrmsr
    rdtsc
    ASSERT_EQ edx, 0
    sub eax, 0x00100000
    cmp eax, 1000
    jb .wr_ok
    FAIL 4, "RDTSC after WRMSR(10H) is not just above the value written"
.wr_ok:
    PASS

section .data
vendor: times 13 db 0
align 4
t_prev: dq 0
t_msr:  dq 0
