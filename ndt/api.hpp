// Symbol visibility: the library builds with hidden visibility; PLURIBUS_API marks the
// C++ interface that libpluribus exports for kernel writers and embedders.
#pragma once

#define PLURIBUS_API __attribute__((visibility("default")))
