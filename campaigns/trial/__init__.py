"""Trial calls (试呼): the sample, the trial agents, the dial cap and the
report the project manager reviews with the client."""
