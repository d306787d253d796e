/* Decoder unit tests: ModRM/SIB forms, prefixes, immediates, the opcode
 * table's attributes (Intel SDM vol. 2 chapter 2 and appendix A). */
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "harness.h"

#define CODE16 false
#define CODE32 true

/* Decode the bytes written in hex ("8B 44 24 08"), offering exactly those. */
static enum decode_status decode_hex(const char *hex, bool code32, struct insn *out)
{
    uint8_t bytes[32];
    unsigned n = 0;
    while (*hex && n < sizeof bytes) {
        char *end;
        bytes[n++] = (uint8_t)strtoul(hex, &end, 16);
        hex = end;
        while (*hex == ' ')
            hex++;
    }
    return decode_insn(bytes, n, code32, out);
}

/* Decode and check that it is a valid instruction of the given length;
 * failures are reported at the caller's line, with the bytes. */
static bool decodes_to_at(struct test_ctx *t, const char *hex, bool code32, unsigned len,
                          struct insn *out, const char *file, int line)
{
    enum decode_status st = decode_hex(hex, code32, out);
    bool ok = check_equal(t, st, DECODE_OK, "status", "DECODE_OK", file, line) &&
              check_equal(t, out->len, len, "len", "the length", file, line) &&
              check_true(t, out->op != OPID_INVALID, "op != OPID_INVALID", file, line);
    if (!ok)
        test_note(t, "decoding %s in %d-bit code", hex, code32 ? 32 : 16);
    return ok;
}

static bool decodes_invalid_at(struct test_ctx *t, const char *hex, bool code32, unsigned len,
                               const char *file, int line)
{
    struct insn i;
    enum decode_status st = decode_hex(hex, code32, &i);
    bool ok = check_equal(t, st, DECODE_OK, "status", "DECODE_OK", file, line) &&
              check_equal(t, i.len, len, "len", "the length", file, line) &&
              check_equal(t, i.op, OPID_INVALID, "op", "OPID_INVALID", file, line) &&
              check_true(t, i.fn == op_ud, "fn == op_ud", file, line) &&
              check_true(t, (i.attr & INSN_END) != 0, "attr & INSN_END", file, line);
    if (!ok)
        test_note(t, "decoding %s in %d-bit code (as %s)", hex, code32 ? 32 : 16,
                  insn_mnemonic(&i));
    return ok;
}

#define decodes_to(t, hex, code32, len, out) \
    decodes_to_at(t, hex, code32, len, out, __FILE__, __LINE__)
#define decodes_invalid(t, hex, code32, len) \
    decodes_invalid_at(t, hex, code32, len, __FILE__, __LINE__)

/* ---- 32-bit ModRM and SIB (SDM vol. 2 tables 2-2 and 2-3) ---- */

static void a_sib_byte_with_base_ebp_and_mod_0_has_a_disp32_and_no_base(struct test_ctx *t)
{
    struct insn i;
    if (!decodes_to(t, "8B 04 AD 44 33 22 11", CODE32, 7, &i))  /* mov eax,[ebp*4+disp32] */
        return;
    CHECK_EQ(t, i.base, REG_NONE);
    CHECK_EQ(t, i.index, EBP);
    CHECK_EQ(t, i.scale, 2);
    CHECK_EQ(t, i.disp, 0x11223344);
    CHECK_EQ(t, i.seg, DS);     /* an EBP index does not select SS */
    CHECK(t, (i.attr & (INSN_MEM | INSN_A32)) == (INSN_MEM | INSN_A32));
}

static void a_sib_byte_with_base_ebp_and_mod_1_uses_ebp_and_the_stack_segment(struct test_ctx *t)
{
    struct insn i;
    if (!decodes_to(t, "8B 44 25 F8", CODE32, 4, &i))       /* mov eax,[ebp-8] via SIB */
        return;
    CHECK_EQ(t, i.base, EBP);
    CHECK_EQ(t, i.index, REG_NONE);
    CHECK_EQ(t, i.disp, 0xFFFFFFF8);
    CHECK_EQ(t, i.seg, SS);
}

static void a_sib_index_of_4_means_no_index_and_esp_base_means_the_stack(struct test_ctx *t)
{
    struct insn i;
    if (!decodes_to(t, "8B 04 24", CODE32, 3, &i))          /* mov eax,[esp] */
        return;
    CHECK_EQ(t, i.base, ESP);
    CHECK_EQ(t, i.index, REG_NONE);
    CHECK_EQ(t, i.disp, 0);
    CHECK_EQ(t, i.seg, SS);
}

static void the_sib_scale_field_is_the_shift_count_of_the_index(struct test_ctx *t)
{
    struct insn i;
    if (!decodes_to(t, "8B 84 C8 00 01 00 00", CODE32, 7, &i)) /* [eax+ecx*8+0x100] */
        return;
    CHECK_EQ(t, i.base, EAX);
    CHECK_EQ(t, i.index, ECX);
    CHECK_EQ(t, i.scale, 3);
    CHECK_EQ(t, i.disp, 0x100);
    CHECK_EQ(t, i.seg, DS);
}

static void modrm_rm_5_with_mod_0_in_32_bit_addressing_is_a_bare_disp32(struct test_ctx *t)
{
    struct insn i;
    if (!decodes_to(t, "8B 1D 78 56 34 12", CODE32, 6, &i))  /* mov ebx,[0x12345678] */
        return;
    CHECK_EQ(t, i.base, REG_NONE);
    CHECK_EQ(t, i.index, REG_NONE);
    CHECK_EQ(t, i.disp, 0x12345678);
    CHECK_EQ(t, i.reg, EBX);
    CHECK_EQ(t, i.seg, DS);
}

static void a_32_bit_disp8_is_sign_extended_and_mod_2_takes_a_disp32(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "8B 43 80", CODE32, 3, &i))           /* [ebx-128] */
        CHECK_EQ(t, i.disp, 0xFFFFFF80);
    if (decodes_to(t, "8B 83 80 00 00 00", CODE32, 6, &i))  /* [ebx+128] */
        CHECK_EQ(t, i.disp, 0x80);
}

/* ---- 16-bit ModRM (SDM vol. 2 table 2-1) ---- */

static void modrm_rm_6_with_mod_0_in_16_bit_addressing_is_a_bare_disp16(struct test_ctx *t)
{
    struct insn i;
    if (!decodes_to(t, "8B 06 34 12", CODE16, 4, &i))       /* mov ax,[0x1234] */
        return;
    CHECK_EQ(t, i.base, REG_NONE);
    CHECK_EQ(t, i.index, REG_NONE);
    CHECK_EQ(t, i.disp, 0x1234);
    CHECK_EQ(t, i.seg, DS);
    CHECK(t, !(i.attr & INSN_A32));
}

static void bp_based_16_bit_addressing_defaults_to_the_stack_segment(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "8B 46 02", CODE16, 3, &i)) {         /* [bp+2] */
        CHECK_EQ(t, i.base, EBP);
        CHECK_EQ(t, i.index, REG_NONE);
        CHECK_EQ(t, i.seg, SS);
    }
    if (decodes_to(t, "8B 02", CODE16, 2, &i)) {            /* [bp+si] */
        CHECK_EQ(t, i.base, EBP);
        CHECK_EQ(t, i.index, ESI);
        CHECK_EQ(t, i.seg, SS);
    }
    if (decodes_to(t, "8B 03", CODE16, 2, &i))              /* [bp+di] */
        CHECK_EQ(t, i.seg, SS);
}

static void bx_si_and_di_based_16_bit_addressing_uses_the_data_segment(struct test_ctx *t)
{
    static const struct { const char *hex; uint8_t base, index; } forms[] = {
        { "8B 00", EBX, ESI }, { "8B 01", EBX, EDI }, { "8B 04", ESI, REG_NONE },
        { "8B 05", EDI, REG_NONE }, { "8B 07", EBX, REG_NONE },
    };
    for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
        struct insn i;
        if (!decodes_to(t, forms[k].hex, CODE16, 2, &i))
            continue;
        CHECK_EQ(t, i.base, forms[k].base);
        CHECK_EQ(t, i.index, forms[k].index);
        CHECK_EQ(t, i.seg, DS);
    }
}

static void a_16_bit_disp8_is_sign_extended_and_mod_2_takes_a_disp16(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "8B 47 FE", CODE16, 3, &i))           /* [bx-2] */
        CHECK_EQ(t, i.disp, 0xFFFFFFFE);
    if (decodes_to(t, "8B 87 FE FF", CODE16, 4, &i))        /* [bx+0xFFFE] */
        CHECK_EQ(t, i.disp, 0xFFFE);
}

/* ---- prefixes (SDM vol. 2 2.1.1) ---- */

static void a_segment_override_replaces_the_default_segment(struct test_ctx *t)
{
    struct insn i;
    if (!decodes_to(t, "26 8B 46 00", CODE16, 4, &i))       /* mov ax,es:[bp+0] */
        return;
    CHECK_EQ(t, i.seg, ES);
    CHECK(t, (i.attr & INSN_SEGOVR) != 0);
}

static void the_last_of_several_segment_overrides_wins(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "26 64 2E 8B 00", CODE32, 5, &i))
        CHECK_EQ(t, i.seg, CS);
}

static void the_address_size_prefix_switches_to_16_bit_addressing_in_32_bit_code(struct test_ctx *t)
{
    struct insn i;
    if (!decodes_to(t, "67 8B 06 34 12", CODE32, 5, &i))
        return;
    CHECK(t, !(i.attr & INSN_A32));
    CHECK(t, (i.attr & INSN_O32) != 0);
    CHECK_EQ(t, i.base, REG_NONE);
    CHECK_EQ(t, i.disp, 0x1234);
}

static void the_address_size_prefix_switches_to_32_bit_addressing_in_16_bit_code(struct test_ctx *t)
{
    struct insn i;
    if (!decodes_to(t, "67 8B 04 24", CODE16, 4, &i))       /* mov ax,[esp] */
        return;
    CHECK(t, (i.attr & INSN_A32) != 0);
    CHECK(t, !(i.attr & INSN_O32));
    CHECK_EQ(t, i.base, ESP);
    CHECK_EQ(t, i.seg, SS);
}

static void the_operand_size_prefix_makes_iz_a_16_bit_immediate_in_32_bit_code(struct test_ctx *t)
{
    struct insn i;
    if (!decodes_to(t, "66 B8 34 12", CODE32, 4, &i))       /* mov ax,0x1234 */
        return;
    CHECK_EQ(t, i.imm, 0x1234);
    CHECK_EQ(t, i.reg, EAX);
    CHECK(t, !(i.attr & INSN_O32));
    CHECK(t, i.fn == op_mov_ZwIw);
}

static void the_operand_size_prefix_selects_the_32_bit_handler_in_16_bit_code(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "66 01 C8", CODE16, 3, &i)) {         /* add eax,ecx */
        CHECK(t, i.fn == op_add_EdGd);
        CHECK(t, (i.attr & INSN_O32) != 0);
    }
    if (decodes_to(t, "01 C8", CODE16, 2, &i))
        CHECK(t, i.fn == op_add_EwGw);
}

static void a_repeated_prefix_counts_once(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "66 66 B8 34 12", CODE32, 5, &i))     /* still mov ax,imm16 */
        CHECK(t, !(i.attr & INSN_O32));
}

static void rep_and_repne_prefixes_replace_each_other(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "F2 F3 A4", CODE32, 3, &i))
        CHECK_EQ(t, i.attr & (INSN_REP | INSN_REPNE), INSN_REP);
    if (decodes_to(t, "F3 F2 A6", CODE32, 3, &i))
        CHECK_EQ(t, i.attr & (INSN_REP | INSN_REPNE), INSN_REPNE);
}

static void fourteen_prefixes_and_an_opcode_make_a_legal_15_byte_instruction(struct test_ctx *t)
{
    struct insn i;
    decodes_to(t, "2E 2E 2E 2E 2E 2E 2E 2E 2E 2E 2E 2E 2E 2E 90", CODE32, 15, &i);
}

static void a_16th_byte_makes_the_instruction_too_long(struct test_ctx *t)
{
    struct insn i;
    CHECK_EQ(t, decode_hex("2E 2E 2E 2E 2E 2E 2E 2E 2E 2E 2E 2E 2E 2E 2E 90", CODE32, &i),
             DECODE_TOO_LONG);
    /* Prefixes, opcode, ModRM, displacement and immediate: 18 bytes. */
    CHECK_EQ(t, decode_hex("66 66 66 66 66 66 66 66 81 80 00 00 00 00 01 00 00 00", CODE16, &i),
             DECODE_TOO_LONG);
}

static void running_out_of_bytes_asks_for_more(struct test_ctx *t)
{
    struct insn i;
    CHECK_EQ(t, decode_hex("B8 12 34", CODE32, &i), DECODE_MORE);
    CHECK_EQ(t, decode_hex("8B 84 C8 00 01", CODE32, &i), DECODE_MORE);
    CHECK_EQ(t, decode_hex("66 0F", CODE32, &i), DECODE_MORE);
    CHECK_EQ(t, decode_hex("F0", CODE32, &i), DECODE_MORE);
}

/* ---- immediates ---- */

static void an_imm8_of_opcode_83_is_sign_extended(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "83 C0 FF", CODE32, 3, &i))           /* add eax,-1 */
        CHECK_EQ(t, i.imm, 0xFFFFFFFF);
    if (decodes_to(t, "6A 80", CODE32, 2, &i))              /* push -128 */
        CHECK_EQ(t, i.imm, 0xFFFFFF80);
}

static void the_imm8_of_opcode_80_is_not_sign_extended(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "80 C1 FF", CODE32, 3, &i))           /* add cl,0xFF */
        CHECK_EQ(t, i.imm, 0xFF);
}

static void a_16_bit_relative_jump_displacement_is_sign_extended(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "E9 FE FF", CODE16, 3, &i))
        CHECK_EQ(t, i.imm, 0xFFFFFFFE);
    if (decodes_to(t, "66 E8 FE FF", CODE32, 4, &i))        /* call rel16 */
        CHECK_EQ(t, i.imm, 0xFFFFFFFE);
    if (decodes_to(t, "EB 80", CODE32, 2, &i))
        CHECK_EQ(t, i.imm, 0xFFFFFF80);
}

static void enter_takes_a_word_and_then_a_byte_immediate(struct test_ctx *t)
{
    struct insn i;
    if (!decodes_to(t, "C8 10 02 03", CODE32, 4, &i))
        return;
    CHECK_EQ(t, i.imm, 0x0210);
    CHECK_EQ(t, i.imm2, 3);
}

static void a_far_pointer_holds_the_offset_then_the_selector(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "9A 78 56 34 12 00 F0", CODE32, 7, &i)) {
        CHECK_EQ(t, i.imm, 0x12345678);
        CHECK_EQ(t, i.imm2, 0xF000);
    }
    if (decodes_to(t, "EA 34 12 00 F0", CODE16, 5, &i)) {
        CHECK_EQ(t, i.imm, 0x1234);
        CHECK_EQ(t, i.imm2, 0xF000);
    }
}

static void moffs_size_follows_the_address_size_not_the_operand_size(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "67 A1 34 12", CODE32, 4, &i))        /* mov eax,[0x1234] */
        CHECK_EQ(t, i.disp, 0x1234);
    if (decodes_to(t, "66 A1 78 56 34 12", CODE32, 6, &i))  /* mov ax,[0x12345678] */
        CHECK_EQ(t, i.disp, 0x12345678);
    if (decodes_to(t, "A2 34 12", CODE16, 3, &i))
        CHECK_EQ(t, i.seg, DS);
}

static void the_immediate_follows_the_displacement(struct test_ctx *t)
{
    struct insn i;
    if (!decodes_to(t, "C7 44 24 08 EF BE AD DE", CODE32, 8, &i)) /* mov [esp+8],imm32 */
        return;
    CHECK_EQ(t, i.disp, 8);
    CHECK_EQ(t, i.imm, 0xDEADBEEF);
}

static void the_shift_by_one_form_has_no_immediate(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "D1 E0", CODE32, 2, &i))              /* shl eax,1 */
        CHECK(t, i.fn == op_shl_Ed1);
}

/* ---- the opcode table ---- */

static void group_opcodes_pick_the_operation_from_modrm_reg(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "F7 D8", CODE32, 2, &i))              /* neg eax */
        CHECK(t, i.fn == op_neg_Ed);
    if (decodes_to(t, "F7 C0 01 00 00 00", CODE32, 6, &i))  /* test eax,1 */
        CHECK(t, i.fn == op_test_EdId);
    if (decodes_to(t, "F6 C8 01", CODE32, 3, &i))           /* F6 /1: an alias of TEST */
        CHECK(t, i.fn == op_test_EbIb);
    if (decodes_to(t, "FF 30", CODE32, 2, &i))              /* push dword [eax] */
        CHECK(t, i.fn == op_push_Ed);
}

static void the_shift_group_slot_6_is_an_alias_of_shl(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "C1 F0 03", CODE32, 3, &i)) {
        CHECK(t, i.fn == op_shl_EdIb);
        CHECK_EQ(t, i.imm, 3);
    }
}

static void opcode_0x82_is_an_alias_of_0x80_outside_64_bit_mode(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "82 C0 01", CODE32, 3, &i))
        CHECK(t, i.fn == op_add_EbIb);
    if (decodes_to(t, "82 38 01", CODE16, 3, &i))
        CHECK(t, i.fn == op_cmp_EbIb);
}

static void nop_replaces_xchg_eax_eax_at_0x90(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "90", CODE32, 1, &i))
        CHECK_EQ(t, i.op, OPID_nop);
    if (decodes_to(t, "93", CODE32, 1, &i)) {
        CHECK_EQ(t, i.op, OPID_xchg_eAXZv);
        CHECK_EQ(t, i.reg, EBX);
    }
}

static void opcode_plus_register_forms_take_the_register_from_the_low_bits(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "5B", CODE32, 1, &i))                 /* pop ebx */
        CHECK_EQ(t, i.reg, EBX);
    if (decodes_to(t, "0F C9", CODE32, 2, &i))              /* bswap ecx */
        CHECK_EQ(t, i.reg, ECX);
    if (decodes_to(t, "B7 42", CODE16, 2, &i)) {            /* mov bh,0x42 */
        CHECK_EQ(t, i.reg, 7);
        CHECK_EQ(t, i.imm, 0x42);
    }
}

static void segment_push_and_pop_opcodes_name_their_segment_register(struct test_ctx *t)
{
    static const struct { const char *hex; unsigned len; uint8_t seg; } forms[] = {
        { "06", 1, ES }, { "0E", 1, CS }, { "17", 1, SS }, { "1F", 1, DS },
        { "0F A0", 2, FS }, { "0F A9", 2, GS },
    };
    for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
        struct insn i;
        if (decodes_to(t, forms[k].hex, CODE32, forms[k].len, &i))
            CHECK_EQ(t, i.reg, forms[k].seg);
    }
}

static void jcc_carries_its_condition_code_and_ends_the_block(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "7C 05", CODE32, 2, &i)) {
        CHECK_EQ(t, i.cc, 0xC);
        CHECK_EQ(t, i.imm, 5);
        CHECK(t, (i.attr & INSN_END) != 0);
    }
    if (decodes_to(t, "0F 8F 00 01 00 00", CODE32, 6, &i)) {
        CHECK_EQ(t, i.cc, 0xF);
        CHECK_EQ(t, i.imm, 0x100);
    }
    if (decodes_to(t, "0F 44 C1", CODE32, 3, &i))           /* cmove eax,ecx */
        CHECK_EQ(t, i.cc, 4);
    if (decodes_to(t, "0F 93 C0", CODE32, 3, &i))           /* setae al */
        CHECK_EQ(t, i.cc, 3);
}

static void ordinary_arithmetic_does_not_end_the_block(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "01 C8", CODE32, 2, &i))
        CHECK(t, !(i.attr & INSN_END));
}

static void an_undefined_opcode_decodes_as_invalid_with_the_ud_handler(struct test_ctx *t)
{
    decodes_invalid(t, "0F 04", CODE32, 2);
    decodes_invalid(t, "0F 0A", CODE16, 2);
    decodes_invalid(t, "FE 10", CODE32, 2);                  /* FE /2 */
    decodes_invalid(t, "8F 48 10", CODE32, 3);               /* 8F /1 with its disp8 */
    decodes_invalid(t, "0F 24 C0", CODE32, 2);               /* MOV TRn: gone on the P6 */
}

static void ud2_is_a_valid_opcode_that_ends_the_block(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "0F 0B", CODE32, 2, &i)) {
        CHECK_EQ(t, i.op, OPID_ud2);
        CHECK(t, (i.attr & INSN_END) != 0);
    }
}

static void ud1_takes_a_modrm_byte(struct test_ctx *t)
{
    struct insn i;
    decodes_to(t, "0F B9 40 10", CODE32, 4, &i);
}

static void memory_only_forms_with_a_register_operand_are_invalid(struct test_ctx *t)
{
    decodes_invalid(t, "8D C0", CODE32, 2);                  /* lea eax,eax */
    decodes_invalid(t, "62 C0", CODE32, 2);                  /* bound */
    decodes_invalid(t, "C4 C0", CODE16, 2);                  /* les */
    decodes_invalid(t, "0F B2 C0", CODE32, 3);               /* lss */
    decodes_invalid(t, "FF D8", CODE32, 2);                  /* call far reg */
    decodes_invalid(t, "0F 01 D0", CODE32, 3);               /* lgdt reg */
    decodes_invalid(t, "0F 01 F8", CODE32, 3);               /* invlpg reg */
}

static void cmpxchg8b_requires_a_memory_operand(struct test_ctx *t)
{
    struct insn i;
    decodes_invalid(t, "0F C7 C8", CODE32, 3);
    decodes_to(t, "0F C7 08", CODE32, 3, &i);
    decodes_invalid(t, "0F C7 10", CODE32, 3);               /* 0F C7 /2 */
}

static void mov_to_a_control_register_ignores_mod_and_reads_no_displacement(struct test_ctx *t)
{
    struct insn i;
    if (!decodes_to(t, "0F 22 58", CODE32, 3, &i))          /* mod 1: still mov cr3,eax */
        return;
    CHECK(t, !(i.attr & INSN_MEM));
    CHECK_EQ(t, i.reg, 3);
    CHECK_EQ(t, i.rm, EAX);
    if (decodes_to(t, "0F 21 B8", CODE16, 3, &i)) {          /* mod 2: mov eax,dr7 */
        CHECK(t, !(i.attr & INSN_MEM));
        CHECK_EQ(t, i.reg, 7);
    }
}

static void mov_with_segment_register_6_or_7_is_invalid(struct test_ctx *t)
{
    /* ModRM.reg 6 and 7 name no segment register: #UD (SDM vol. 2 MOV).
     * Known to the decoder, so that traces, the debugger's disassembly and
     * decoder_vs_capstone agree with the CPU. */
    decodes_invalid(t, "8C F0", CODE32, 2);
    decodes_invalid(t, "8C 38", CODE32, 2);
    decodes_invalid(t, "8E F0", CODE16, 2);
    decodes_invalid(t, "8E 3E 00 10", CODE16, 4);
}

/* ---- LOCK (SDM vol. 2 LOCK) ---- */

static void lock_on_a_read_modify_write_memory_destination_is_allowed(struct test_ctx *t)
{
    static const char *const forms[] = {
        "F0 01 00", "F0 83 30 01", "F0 87 00", "F0 0F C1 00", "F0 0F AB 00",
        "F0 0F BA 28 01", "F0 FF 00", "F0 F6 10", "F0 0F C7 08", "F0 0F B1 08",
    };
    static const unsigned lens[] = { 3, 4, 3, 4, 4, 5, 3, 3, 4, 4 };
    for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
        struct insn i;
        if (decodes_to(t, forms[k], CODE32, lens[k], &i))
            CHECK(t, (i.attr & INSN_LOCK) != 0);
    }
}

static void lock_on_a_register_destination_is_invalid(struct test_ctx *t)
{
    decodes_invalid(t, "F0 01 C0", CODE32, 3);
    decodes_invalid(t, "F0 87 C0", CODE32, 3);
    decodes_invalid(t, "F0 03 00", CODE32, 3);               /* add eax,[eax]: dest is a register */
}

static void lock_on_an_instruction_that_is_not_lockable_is_invalid(struct test_ctx *t)
{
    decodes_invalid(t, "F0 39 00", CODE32, 3);               /* cmp */
    decodes_invalid(t, "F0 0F A3 00", CODE32, 4);            /* bt */
    decodes_invalid(t, "F0 89 00", CODE32, 3);               /* mov */
    decodes_invalid(t, "F0 90", CODE32, 2);
    decodes_invalid(t, "F0 0F 1F 00", CODE32, 4);            /* nop */
}

/* ---- others ---- */

static void the_x87_escape_takes_a_modrm_and_its_displacement(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "DD 80 00 10 00 00", CODE32, 6, &i)) { /* fld qword [eax+0x1000] */
        CHECK_EQ(t, i.op, OPID_fld_m64fp);
        CHECK_EQ(t, i.disp, 0x1000);
    }
    if (decodes_to(t, "DF E0", CODE16, 2, &i))              /* fnstsw ax */
        CHECK_EQ(t, i.op, OPID_fnstsw_ax);
    decodes_to(t, "D9 06 34 12", CODE16, 4, &i);             /* fld dword [0x1234] */
}

static void hint_nops_take_a_modrm_in_every_form(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "0F 1F 44 00 00", CODE32, 5, &i))
        CHECK_EQ(t, i.op, OPID_hint_nop);
    decodes_to(t, "66 0F 1F 84 00 00 00 00 00", CODE32, 9, &i);
    decodes_to(t, "0F 1F C0", CODE32, 3, &i);
    decodes_to(t, "0F 18 C7", CODE32, 3, &i);
    decodes_to(t, "0F 19 06 00 00", CODE16, 5, &i);
}

static void salc_and_int1_are_one_byte_instructions(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "D6", CODE32, 1, &i))
        CHECK_EQ(t, i.op, OPID_salc);
    if (decodes_to(t, "F1", CODE16, 1, &i)) {
        CHECK_EQ(t, i.op, OPID_int1);
        CHECK(t, (i.attr & INSN_END) != 0);
    }
}

static void the_decoder_needs_exactly_the_instruction_bytes(struct test_ctx *t)
{
    static const char *const forms[] = {
        "26 66 67 C7 84 00 34 12 78 56 EF BE AD DE", "C8 10 02 03", "0F 8F 00 01 00 00",
        "8B 84 C8 00 01 00 00", "9A 78 56 34 12 00 F0", "F0 0F BA 28 01",
    };
    for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
        uint8_t bytes[16];
        unsigned n = 0;
        for (const char *p = forms[k]; *p;) {
            char *end;
            bytes[n++] = (uint8_t)strtoul(p, &end, 16);
            p = end;
        }
        struct insn i;
        bool code32 = k != 0;
        if (!CHECK_EQ(t, decode_insn(bytes, n, code32, &i), DECODE_OK))
            continue;
        CHECK_EQ(t, i.len, n);
        for (unsigned short_by = 1; short_by <= n; short_by++)
            CHECK_EQ(t, decode_insn(bytes, n - short_by, code32, &i), DECODE_MORE);
    }
}

static void insn_mnemonic_and_form_text_describe_the_instruction(struct test_ctx *t)
{
    struct insn i;
    if (decodes_to(t, "01 C8", CODE32, 2, &i)) {
        CHECK(t, !strcmp(insn_mnemonic(&i), "add"));
        CHECK(t, !strcmp(insn_form_text(&i), "Ev,Gv"));
    }
    if (decode_hex("0F 04", CODE32, &i) == DECODE_OK)
        CHECK(t, !strcmp(insn_mnemonic(&i), "(bad)"));
}

static void op_attrs_reports_the_table_attributes(struct test_ctx *t)
{
    CHECK(t, (op_attrs(OPID_add_EvGv) & LOCK) != 0);
    CHECK(t, !(op_attrs(OPID_cmp_EvGv) & LOCK));
    CHECK(t, (op_attrs(OPID_lea) & MEM) != 0);
    CHECK(t, (op_attrs(OPID_jmp_Jz) & END) != 0);
    CHECK(t, (op_attrs(OPID_mov_CdRd) & MODREG) != 0);
    CHECK(t, (op_attrs(OPID_INVALID) & END) != 0);
}

static const struct test tests[] = {
    TEST(a_sib_byte_with_base_ebp_and_mod_0_has_a_disp32_and_no_base),
    TEST(a_sib_byte_with_base_ebp_and_mod_1_uses_ebp_and_the_stack_segment),
    TEST(a_sib_index_of_4_means_no_index_and_esp_base_means_the_stack),
    TEST(the_sib_scale_field_is_the_shift_count_of_the_index),
    TEST(modrm_rm_5_with_mod_0_in_32_bit_addressing_is_a_bare_disp32),
    TEST(a_32_bit_disp8_is_sign_extended_and_mod_2_takes_a_disp32),
    TEST(modrm_rm_6_with_mod_0_in_16_bit_addressing_is_a_bare_disp16),
    TEST(bp_based_16_bit_addressing_defaults_to_the_stack_segment),
    TEST(bx_si_and_di_based_16_bit_addressing_uses_the_data_segment),
    TEST(a_16_bit_disp8_is_sign_extended_and_mod_2_takes_a_disp16),
    TEST(a_segment_override_replaces_the_default_segment),
    TEST(the_last_of_several_segment_overrides_wins),
    TEST(the_address_size_prefix_switches_to_16_bit_addressing_in_32_bit_code),
    TEST(the_address_size_prefix_switches_to_32_bit_addressing_in_16_bit_code),
    TEST(the_operand_size_prefix_makes_iz_a_16_bit_immediate_in_32_bit_code),
    TEST(the_operand_size_prefix_selects_the_32_bit_handler_in_16_bit_code),
    TEST(a_repeated_prefix_counts_once),
    TEST(rep_and_repne_prefixes_replace_each_other),
    TEST(fourteen_prefixes_and_an_opcode_make_a_legal_15_byte_instruction),
    TEST(a_16th_byte_makes_the_instruction_too_long),
    TEST(running_out_of_bytes_asks_for_more),
    TEST(an_imm8_of_opcode_83_is_sign_extended),
    TEST(the_imm8_of_opcode_80_is_not_sign_extended),
    TEST(a_16_bit_relative_jump_displacement_is_sign_extended),
    TEST(enter_takes_a_word_and_then_a_byte_immediate),
    TEST(a_far_pointer_holds_the_offset_then_the_selector),
    TEST(moffs_size_follows_the_address_size_not_the_operand_size),
    TEST(the_immediate_follows_the_displacement),
    TEST(the_shift_by_one_form_has_no_immediate),
    TEST(group_opcodes_pick_the_operation_from_modrm_reg),
    TEST(the_shift_group_slot_6_is_an_alias_of_shl),
    TEST(opcode_0x82_is_an_alias_of_0x80_outside_64_bit_mode),
    TEST(nop_replaces_xchg_eax_eax_at_0x90),
    TEST(opcode_plus_register_forms_take_the_register_from_the_low_bits),
    TEST(segment_push_and_pop_opcodes_name_their_segment_register),
    TEST(jcc_carries_its_condition_code_and_ends_the_block),
    TEST(ordinary_arithmetic_does_not_end_the_block),
    TEST(an_undefined_opcode_decodes_as_invalid_with_the_ud_handler),
    TEST(ud2_is_a_valid_opcode_that_ends_the_block),
    TEST(ud1_takes_a_modrm_byte),
    TEST(memory_only_forms_with_a_register_operand_are_invalid),
    TEST(cmpxchg8b_requires_a_memory_operand),
    TEST(mov_to_a_control_register_ignores_mod_and_reads_no_displacement),
    TEST(mov_with_segment_register_6_or_7_is_invalid),
    TEST(lock_on_a_read_modify_write_memory_destination_is_allowed),
    TEST(lock_on_a_register_destination_is_invalid),
    TEST(lock_on_an_instruction_that_is_not_lockable_is_invalid),
    TEST(the_x87_escape_takes_a_modrm_and_its_displacement),
    TEST(hint_nops_take_a_modrm_in_every_form),
    TEST(salc_and_int1_are_one_byte_instructions),
    TEST(the_decoder_needs_exactly_the_instruction_bytes),
    TEST(insn_mnemonic_and_form_text_describe_the_instruction),
    TEST(op_attrs_reports_the_table_attributes),
};

const struct suite decoder_suite = SUITE("decoder", tests);
