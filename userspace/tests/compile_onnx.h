/* SPDX-License-Identifier: MIT */
/*
 * compile_onnx.h: small ONNX models built with the generated protobuf-c
 * code, for test_compile.
 */
#ifndef POTNPU_TEST_COMPILE_ONNX_H
#define POTNPU_TEST_COMPILE_ONNX_H

#include <stddef.h>
#include <stdint.h>

/*
 * x [1, 1, 4, 4] -> Conv 3x3 pad 1 (1 -> 2, bias) -> Relu -> MaxPool 2x2
 * stride 2 -> Flatten -> Gemm transB (8 -> 3) -> y. SMALL_RELU_FIRST: a
 * Relu reads x first (which potnpu-compile cannot fuse); SMALL_CONCAT: two
 * such Conv + Relu branches concatenated along channels (Gemm 16 -> 3).
 */
enum { SMALL_PLAIN, SMALL_RELU_FIRST, SMALL_CONCAT };
uint8_t *compile_onnx_small(int variant, size_t *len);

#endif
