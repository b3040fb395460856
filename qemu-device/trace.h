#include "trace/trace-hw_potnpu.h"
