/*
 * A stand-in for Windows' bcryptprimitives.dll, for running ferry's Windows
 * build under Wine 8.0 (Debian 12's wine64) in CI only; never shipped.
 *
 * Go 1.24 and later take random bytes from ProcessPrng in
 * bcryptprimitives.dll (Windows 10 and later) and abort at start without it;
 * Wine 8.0's bcryptprimitives.dll does not export it. This one does, filling
 * the buffer from advapi32's RtlGenRandom (exported as SystemFunction036),
 * which Wine implements. Go loads the DLL with LOAD_LIBRARY_SEARCH_SYSTEM32,
 * so it must sit in the prefix's windows/system32, not beside the exe.
 *
 * Built by packaging/wine-check.sh:
 *   x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll \
 *     bcryptprimitives.c bcryptprimitives.def -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	/* RtlGenRandom takes a ULONG length: feed larger buffers in pieces. */
	while (len > 0) {
		ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
