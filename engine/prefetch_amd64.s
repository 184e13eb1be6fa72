#include "textflag.h"

// func prefetchKeys(p *byte, ptrs *byte, n int)
TEXT ·prefetchKeys(SB), NOSPLIT|NOFRAME, $0-24
	MOVQ p+0(FP), AX
	MOVQ ptrs+8(FP), BX
	MOVQ n+16(FP), CX
	TESTQ CX, CX
	JLE done
loop:
	MOVWQZX (BX), DX
	PREFETCHT0 8(AX)(DX*1)
	ADDQ $2, BX
	DECQ CX
	JNZ loop
done:
	RET

// func prefetchRange(p *byte, n int)
TEXT ·prefetchRange(SB), NOSPLIT|NOFRAME, $0-16
	MOVQ p+0(FP), AX
	MOVQ n+8(FP), CX
	TESTQ CX, CX
	JLE rdone
rloop:
	PREFETCHT0 (AX)
	ADDQ $64, AX
	SUBQ $64, CX
	JG rloop
rdone:
	RET
