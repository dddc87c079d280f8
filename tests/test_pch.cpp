// Builds tests/CMakeLists.txt's precompiled header (sa_test_pch), which every test reuses.
