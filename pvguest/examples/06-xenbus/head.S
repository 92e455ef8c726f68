/* Stage 6 of the guest-kernel guide: the entry of stage 1, nothing more. */
#include "../common/start.S"
