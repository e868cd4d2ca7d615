#ifndef RENTALKIT_CMALLOC_SHIM_H
#define RENTALKIT_CMALLOC_SHIM_H

// glibc's allocator settings (mallopt), which the Glibc module does not bring in.
#include <malloc.h>

#endif
