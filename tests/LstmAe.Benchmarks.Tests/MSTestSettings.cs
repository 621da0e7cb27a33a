// Torch tests share native thread pools and the global RNG; run test classes one at a time.
[assembly: DoNotParallelize]
