# -*- Python -*-
# lit configuration for qforge's regression tests.

import os
import shutil

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "QFORGE"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir"]
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py", "lit.site.cfg.py", "Inputs", "Unit"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qforge_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP",
                                     "CUDA_HOME", "CUDA_ROOT", "CUDA_PATH"])
llvm_config.with_system_environment([k for k in os.environ if k.startswith("VK_")])
llvm_config.use_default_substitutions()
# FileCheck, not, count and split-file come from the LLVM tools directory.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tool_dirs = [config.qforge_tools_dir, config.llvm_tools_dir]
tools = ["qforge-opt", "qforge-run", "qforge-translate", "qforge-import", "qforge", "mlir-opt", "mlir-runner"]
llvm_config.add_tool_substitutions(tools, tool_dirs)
config.substitutions.append(("%mlir_lib_dir", os.path.join(os.path.dirname(config.llvm_tools_dir), "lib")))

# %python is the interpreter running lit (/usr/bin/python3 through lit's
# shebang), which has numpy (python3-numpy). The AOT example needs a C
# compiler.
if shutil.which("cc"):
    config.available_features.add("cc")

# The CUDA toolkit's ptxas (optional): cubin tests run only where it is.
import shutil
_cuda_dirs = [os.environ.get(v) for v in ("CUDA_ROOT", "CUDA_HOME", "CUDA_PATH")] + ["/usr/local/cuda"]
if shutil.which("ptxas") or any(d and os.path.exists(os.path.join(d, "bin", "ptxas")) for d in _cuda_dirs):
    config.available_features.add("ptxas")

# A CUDA driver and device (only on GPU machines): gates test/Integration/CUDA.
import ctypes
try:
    _cuda = ctypes.CDLL("libcuda.so.1")
    if _cuda.cuInit(0) == 0:
        _count = ctypes.c_int(0)
        if _cuda.cuDeviceGetCount(ctypes.byref(_count)) == 0 and _count.value > 0:
            config.available_features.add("cuda-driver")
except OSError:
    pass

config.substitutions.append(("%qforge_src_root", config.qforge_src_root))
config.substitutions.append(("%qforge_obj_root", config.qforge_obj_root))
config.substitutions.append(("%cxx", shutil.which("c++") or "c++"))

# A Vulkan device (lavapipe, from mesa-vulkan-drivers, on the build and CI
# machines): gates test/Integration/Vulkan. Probed through the loader with a
# bare instance; QFORGE_VULKAN_DEVICE and VK_* variables pass through to tests.
llvm_config.with_system_environment(["QFORGE_VULKAN_DEVICE"])
def _vulkan_devices():
    class _InstanceCreateInfo(ctypes.Structure):
        _fields_ = [("sType", ctypes.c_int), ("pNext", ctypes.c_void_p),
                    ("flags", ctypes.c_uint32), ("pApplicationInfo", ctypes.c_void_p),
                    ("enabledLayerCount", ctypes.c_uint32), ("ppEnabledLayerNames", ctypes.c_void_p),
                    ("enabledExtensionCount", ctypes.c_uint32), ("ppEnabledExtensionNames", ctypes.c_void_p)]
    try:
        vk = ctypes.CDLL("libvulkan.so.1")
    except OSError:
        return 0
    info = _InstanceCreateInfo(1, None, 0, None, 0, None, 0, None)  # VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO
    instance = ctypes.c_void_p()
    if vk.vkCreateInstance(ctypes.byref(info), None, ctypes.byref(instance)) != 0:
        return 0
    count = ctypes.c_uint32(0)
    vk.vkEnumeratePhysicalDevices(instance, ctypes.byref(count), None)
    vk.vkDestroyInstance(instance, None)
    return count.value
if _vulkan_devices() > 0:
    config.available_features.add("vulkan")
# spirv-val (spirv-tools) validates every generated SPIR-V module.
if shutil.which("spirv-val"):
    config.available_features.add("spirv-val")

# A headless Chromium renders qforge quantize's HTML report in a test.
if shutil.which("chromium"):
    config.available_features.add("chromium")
    config.substitutions.append(("%chromium", shutil.which("chromium") +
        " --headless --no-sandbox --disable-gpu --no-first-run"
        " --disable-background-networking --disable-component-update --disable-sync"))
