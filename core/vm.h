/* vm.h: bytecode opcodes, code objects, functions and frames shared by the compiler and the VM. */
#ifndef KILN_VM_H
#define KILN_VM_H

#include "state.h"

/* Opcodes. Those >= KN_OP_WITH_ARG take a 16-bit little-endian argument. */
#define KN_OPCODES(X)                                                                                         \
    X(NOP) X(POP_TOP) X(ROT_TWO) X(ROT_THREE) X(DUP_TOP) X(DUP_TOP_TWO) X(LOAD_NONE) X(LOAD_TRUE)            \
    X(LOAD_FALSE) X(BINARY_SUBSCR) X(STORE_SUBSCR) X(DELETE_SUBSCR) X(GET_ITER) X(RETURN_VALUE)               \
    X(YIELD_VALUE) X(YIELD_FROM) X(GET_YIELD_FROM_ITER) X(POP_BLOCK) X(POP_EXCEPT) X(RERAISE)                  \
    X(WITH_EXIT) X(WITH_EXIT_EXC) X(LOAD_BUILD_CLASS) X(PRINT_EXPR) X(EXC_MATCH) X(IMPORT_STAR)                \
    X(ADD) X(SUB) X(MUL) X(LT) X(LE) X(GT) X(GE) X(EQ) X(NE) X(IS) X(IS_NOT) X(IN) X(NOT_IN) X(NOT)           \
    X(LIST_TO_TUPLE) X(SETUP_ANNOTATIONS) X(LOAD_EXC) X(ROT_FOUR)                                           \
    X(GET_AWAITABLE) X(GET_AITER) X(GET_ANEXT) X(END_ASYNC_FOR) X(BEFORE_ASYNC_WITH) X(ASYNC_WITH_EXC_CALL)    \
    X(ASYNC_WITH_EXC_END) X(ASYNC_GEN_WRAP)                                                                   \
    X(WITH_ARG)                                                                                               \
    X(LOAD_CONST) X(LOAD_SMALL) X(LOAD_FAST) X(STORE_FAST) X(DELETE_FAST) X(LOAD_DEREF) X(STORE_DEREF)         \
    X(DELETE_DEREF) X(LOAD_CLOSURE) X(LOAD_GLOBAL) X(STORE_GLOBAL) X(DELETE_GLOBAL) X(LOAD_NAME)              \
    X(STORE_NAME) X(DELETE_NAME) X(LOAD_ATTR) X(STORE_ATTR) X(DELETE_ATTR) X(LOAD_METHOD) X(CALL_METHOD)      \
    X(CALL) X(CALL_EX) X(BINARY_OP) X(UNARY_OP) X(BUILD_TUPLE) X(BUILD_LIST) X(BUILD_SET) X(BUILD_MAP)         \
    X(BUILD_SLICE) X(BUILD_STRING) X(LIST_APPEND) X(SET_ADD) X(MAP_ADD) X(LIST_EXTEND) X(SET_UPDATE)           \
    X(DICT_UPDATE) X(DICT_MERGE) X(UNPACK_SEQUENCE) X(UNPACK_EX) X(FORMAT_VALUE) X(JUMP) X(POP_JUMP_IF_FALSE)  \
    X(POP_JUMP_IF_TRUE) X(JUMP_IF_FALSE_OR_POP) X(JUMP_IF_TRUE_OR_POP) X(FOR_ITER) X(SETUP_EXCEPT)             \
    X(SETUP_WITH) X(RAISE) X(MAKE_FUNCTION) X(IMPORT_NAME) X(IMPORT_FROM) X(LOAD_FAST_LOAD_ATTR) X(STORE_LOCALS_DICT)

enum {
#define KN_OPX(name) KN_BC_##name,
    KN_OPCODES(KN_OPX)
#undef KN_OPX
    KN_BC_COUNT
};

/* Code flags. */
#define KN_CODE_VARARGS 0x01
#define KN_CODE_VARKW 0x02
#define KN_CODE_GENERATOR 0x04
#define KN_CODE_NEWLOCALS 0x08 /* function: fast locals (otherwise module/class: name dict) */
#define KN_CODE_COROUTINE 0x10 /* async def: calling it makes a coroutine (with KN_CODE_GENERATOR) */
#define KN_CODE_ASYNCGEN 0x20  /* async def with yield: an async generator (with KN_CODE_GENERATOR) */
#define KN_CODE_NATIVE 0x40    /* a kn_native_code_t: run its machine code, not the bytecode */

/* A code object. Every code object compiled from one source (a module, an exec/eval string, a REPL
   input) shares one `consts` and one `names` tuple: the compiler numbers constants and names
   module-wide, and consts[0] is the source's file name (see kn_code_filename). The line table follows
   the bytecode in the same array. The counts are as narrow as the compiler's limits allow (it raises
   SyntaxError "function too large" / "too many ..." beyond them): bytecode, line table, locals,
   cells, frees and stack depth fit 16 bits (instruction arguments are 16-bit), blocks are at most
   MAX_FBLOCKS (compile.c) and flags fit 8 bits. */
struct kn_code {
    kn_base_t base;
    const uint8_t *bc; /* bc_len bytes of bytecode, then lines_len bytes of line table */
    kn_obj consts;     /* tuple, shared by the source's code objects; item 0 is the file name */
    kn_obj names;      /* tuple of interned names (globals, attributes), shared like consts */
    kn_obj varnames;   /* tuple: parameters first, then other locals */
    kn_obj name;
    uint32_t firstline;
    uint16_t bc_len;
    uint16_t lines_len; /* pairs (bytecode delta, line delta) */
    uint16_t nargs;     /* positional parameters */
    uint16_t nkwonly;   /* keyword-only parameters */
    uint16_t nposonly;
    uint16_t nlocals;   /* all fast locals */
    uint16_t ncells;    /* cells created by this frame */
    uint16_t nfree;     /* cells passed in through the closure */
    uint16_t stacksize;
    uint8_t nblocks;
    uint8_t flags;
};

/* A code object with machine code from @micropython.native/viper (flag KN_CODE_NATIVE). */
typedef struct {
    kn_code_t code;
    void *native; /* kn_native_t */
} kn_native_code_t;

#define KN_CODE_MAX_LEN 0xffffu /* limit of bc_len, lines_len and the 16-bit counts */
#define kn_code_lines(c) ((c)->bc + (c)->bc_len)
#define kn_code_filename(c) (((kn_tuple_t *)(c)->consts)->items[0])

typedef struct {
    kn_base_t base;
    kn_code_t *code;
    kn_obj globals;
    kn_obj defaults;   /* tuple or KN_NULL */
    kn_obj kwdefaults; /* dict or KN_NULL */
    kn_obj closure;    /* tuple of cells or KN_NULL */
    kn_obj dict;       /* function attributes, lazily */
    kn_obj name;
} kn_fun_t;

typedef struct {
    const uint8_t *handler;
    uint32_t sp_level; /* stack depth to restore */
    uint32_t kind;
} kn_block_t;

typedef struct kn_frame {
    kn_code_t *code;
    kn_obj globals;
    kn_obj locals;        /* dict for module and class bodies, else KN_NULL */
    const uint8_t *ip;
    kn_obj *sp;           /* next free stack slot */
    kn_obj *stack;        /* operand stack base */
    kn_block_t *blocks;
    uint16_t nblock;
    uint8_t on_heap;      /* generator frame */
    uint8_t running;
    kn_obj throw_exc;     /* exception to raise on resume (generator.throw) */
    kn_obj fun;
    struct kn_frame *back; /* caller's frame while running (traceback walk) */
    kn_obj values[];      /* locals, cells, stack, then blocks */
} kn_frame_t;

typedef struct {
    kn_base_t base;
    kn_frame_t *frame;
    kn_obj name;
    kn_obj exc; /* the exception being handled where the frame is suspended (in an except block), or KN_NULL */
} kn_gen_t; /* four words: one GC block */

/* frame->running of a generator frame: 0 not started, 1 running, 2 suspended, 3 finished */
#define KN_GEN_FINISHED(g) ((g)->frame->running == 3)

/* The VM entry point: runs frame until return (KN_GEN_RETURN) or yield (KN_GEN_YIELD). */
int kn_vm_run(kn_frame_t *f, kn_obj *result);
kn_frame_t *kn_frame_new(kn_code_t *code, kn_obj globals, kn_obj locals, bool on_heap);
void kn_frame_release(kn_frame_t *f);
kn_obj kn_fun_call(kn_obj fun, size_t n, size_t nkw, const kn_obj *args);
int kn_code_line(const kn_code_t *code, const uint8_t *ip);
void kn_tb_unwind(kn_obj exc, void *stop_frame);
kn_obj kn_make_function(kn_code_t *code, kn_obj globals, kn_obj defaults, kn_obj kwdefaults, kn_obj closure);
kn_obj kn_gen_new(kn_frame_t *f, kn_obj name);
/* obj_coro.c: coroutines, async generators and the await protocol. */
extern const kn_type_t kn_type_coroutine, kn_type_async_generator;
#define KN_IS_GEN_LIKE(o) (kn_is_type(o, &kn_type_generator) || kn_is_type(o, &kn_type_coroutine))
kn_obj kn_get_awaitable(kn_obj o);
bool kn_vm_throw_into_delegate(kn_obj *sp, kn_obj exc, kn_obj *result);
kn_obj kn_asyncgen_wrap(kn_obj v);
kn_obj kn_get_aiter(kn_obj o);
kn_obj kn_get_anext(kn_obj it);
kn_obj kn_before_async_with(kn_obj *sp);
kn_obj kn_build_class(size_t n, const kn_obj *args, kn_obj kw);
kn_obj kn_cell_new(kn_obj v);

#endif
