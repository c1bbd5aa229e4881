// kmod-matrix's exit statuses, listed by --help.
#pragma once

namespace kmx {

inline constexpr int kExitOk = 0;              // every verdict as expected
inline constexpr int kExitUnexpected = 1;      // some verdict not as expected
inline constexpr int kExitBadInput = 2;        // bad input (matrix, unknown kernel, impossible RAM) or unusable host
inline constexpr int kExitInfrastructure = 3;  // only ERROR verdicts unexpected, or results not writable: rerun
inline constexpr int kExitInterrupted = 130;   // SIGINT/SIGTERM: finished cells are kept
// bisect-step's bad input: git bisect run stops at any status above 127
// instead of reading it as "new".
inline constexpr int kExitAbortBisect = 128;

inline constexpr const char* kExitCodesHelp =
    "Exit status:\n"
    "  0    every verdict as expected\n"
    "  1    some verdict not as expected (marked ! in the matrix); compare: regressions, missing or vanished work\n"
    "  2    bad input (matrix errors, unknown kernel or run, impossible RAM size) or an unusable host\n"
    "  3    the only unexpected verdicts are ERROR (a VM would not start, an image could not be built), or\n"
    "       results could not be written (disk full): rerun, or run --resume RUN_ID\n"
    "  130  interrupted (SIGINT/SIGTERM); finished cells are kept, run --resume RUN_ID finishes the rest";

}  // namespace kmx
