/* Keeps libazaudio.so (and the Python wheel that bundles it) within glibc 2.34.
 *
 * The static Swift runtime's Glibc overlay carries Glibc.hypot(Float, Float), which references hypotf. Linked on a
 * glibc >= 2.35 that reference binds to hypotf@GLIBC_2.35 (a new version of the symbol), the only one that needs
 * glibc 2.35: everything else in the library and in the libraries the wheel bundles needs at most 2.34 (`auditwheel
 * show`, `objdump -T`). Defining hypotf here resolves that reference inside the library (abi/exports.map keeps it
 * local, so no caller sees it), and the wheel is manylinux_2_34 (RHEL 9 and its rebuilds) instead of 2_35. The
 * library itself never calls it. hypot() is no way out: it too has a GLIBC_2.35 version; sqrt has not.
 *
 * Squares of floats cannot overflow or underflow in double, so the double sum is exact to well below a float's
 * precision; an infinite side gives infinity even when the other is NaN (C's hypot rule). */
#include <math.h>

float hypotf(float x, float y) {
    if (isinf(x) || isinf(y)) return INFINITY;
    double dx = x, dy = y;
    return (float)__builtin_sqrt(dx * dx + dy * dy);
}
