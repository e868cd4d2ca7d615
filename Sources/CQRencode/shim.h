#ifndef RENTALKIT_CQRENCODE_SHIM_H
#define RENTALKIT_CQRENCODE_SHIM_H

#include <qrencode.h>

#endif
