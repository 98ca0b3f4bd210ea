//===- VulkanRuntime.cpp - qforge's Vulkan host runtime -------------------===//
//
// One Vulkan instance and device per process, created on first use. Every
// allocation is its own host-mapped storage buffer; a launch records one
// command buffer (timestamp, dispatch, barrier to the host, timestamp),
// submits it and waits on a fence, so nothing is ever in flight between
// calls. Handles given to generated code are plain pointers to the structs
// below; the runtime state itself is never destroyed (the process exit
// releases it), so calls from exit-time destructors stay safe.
//
//===----------------------------------------------------------------------===//

#include "qforge/Runtime/VulkanRuntime.h"

#include <vulkan/vulkan.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace {

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

const char *resultName(VkResult r) {
  switch (r) {
#define QF_VK_RESULT(x)                                                        \
  case x:                                                                      \
    return #x;
    QF_VK_RESULT(VK_SUCCESS)
    QF_VK_RESULT(VK_NOT_READY)
    QF_VK_RESULT(VK_TIMEOUT)
    QF_VK_RESULT(VK_EVENT_SET)
    QF_VK_RESULT(VK_EVENT_RESET)
    QF_VK_RESULT(VK_INCOMPLETE)
    QF_VK_RESULT(VK_ERROR_OUT_OF_HOST_MEMORY)
    QF_VK_RESULT(VK_ERROR_OUT_OF_DEVICE_MEMORY)
    QF_VK_RESULT(VK_ERROR_INITIALIZATION_FAILED)
    QF_VK_RESULT(VK_ERROR_DEVICE_LOST)
    QF_VK_RESULT(VK_ERROR_MEMORY_MAP_FAILED)
    QF_VK_RESULT(VK_ERROR_LAYER_NOT_PRESENT)
    QF_VK_RESULT(VK_ERROR_EXTENSION_NOT_PRESENT)
    QF_VK_RESULT(VK_ERROR_FEATURE_NOT_PRESENT)
    QF_VK_RESULT(VK_ERROR_INCOMPATIBLE_DRIVER)
    QF_VK_RESULT(VK_ERROR_TOO_MANY_OBJECTS)
    QF_VK_RESULT(VK_ERROR_FORMAT_NOT_SUPPORTED)
    QF_VK_RESULT(VK_ERROR_FRAGMENTED_POOL)
    QF_VK_RESULT(VK_ERROR_UNKNOWN)
    QF_VK_RESULT(VK_ERROR_OUT_OF_POOL_MEMORY)
    QF_VK_RESULT(VK_ERROR_INVALID_EXTERNAL_HANDLE)
    QF_VK_RESULT(VK_ERROR_FRAGMENTATION)
    QF_VK_RESULT(VK_ERROR_INVALID_OPAQUE_CAPTURE_ADDRESS)
    QF_VK_RESULT(VK_PIPELINE_COMPILE_REQUIRED)
    QF_VK_RESULT(VK_ERROR_INVALID_SHADER_NV)
#undef QF_VK_RESULT
  default:
    return nullptr;
  }
}

std::string resultString(VkResult r) {
  if (const char *name = resultName(r))
    return name;
  return "VkResult " + std::to_string(int(r));
}

/// Prints "qforge Vulkan runtime: <what>" and exits with status 1: the
/// qfvk* ABI cannot return errors. _Exit: no exit handlers, which would call
/// back into the runtime (the generated module destructor unloads its
/// module).
[[noreturn]] void fail(const std::string &what) {
  std::fprintf(stderr, "qforge Vulkan runtime: %s\n", what.c_str());
  std::fflush(stderr);
  std::_Exit(1);
}

/// Exits with "<what> failed: <result>" when `r` is an error.
void check(VkResult r, const std::string &what) {
  if (r != VK_SUCCESS)
    fail(what + " failed: " + resultString(r));
}

std::string hexPointer(const void *p) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%p", p);
  return buf;
}

//===----------------------------------------------------------------------===//
// Runtime state
//===----------------------------------------------------------------------===//

struct Pipeline {
  VkDescriptorSetLayout setLayout = VK_NULL_HANDLE;
  VkPipelineLayout layout = VK_NULL_HANDLE;
  VkPipeline pipeline = VK_NULL_HANDLE;
};

struct Module;

/// What qfvkModuleGetFunction returns: an entry point of a module, with its
/// pipelines by number of storage-buffer bindings.
struct Function {
  Module *module = nullptr;
  std::string name;
  std::map<size_t, Pipeline> pipelines;
};

/// What qfvkModuleLoad returns.
struct Module {
  VkShaderModule shader = VK_NULL_HANDLE;
  std::vector<std::string> entryPoints; ///< GLCompute entry points
  std::vector<std::unique_ptr<Function>> functions;
};

/// One qfvkMemAlloc allocation, keyed by its mapped address.
struct Allocation {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  VkDeviceSize size = 0; ///< bytes, a multiple of 4
};

struct Runtime {
  std::string error; ///< why Vulkan cannot be used, or ""

  VkInstance instance = VK_NULL_HANDLE;
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  uint32_t queueFamily = 0;
  VkPhysicalDeviceProperties props{};
  VkPhysicalDeviceMemoryProperties memProps{};
  std::string name; ///< "<device name> (<type>)"

  bool integerDotProduct = false;
  bool storage8 = false;

  bool timestamps = false;
  uint64_t timestampMask = ~uint64_t(0);

  VkCommandPool commandPool = VK_NULL_HANDLE;
  VkCommandBuffer commandBuffer = VK_NULL_HANDLE;
  VkFence fence = VK_NULL_HANDLE;
  VkQueryPool queryPool = VK_NULL_HANDLE;
  VkPipelineCache pipelineCache = VK_NULL_HANDLE;
  VkDescriptorPool descriptorPool = VK_NULL_HANDLE;
  uint32_t descriptorCapacity = 0; ///< storage buffers descriptorPool holds

  /// Guards everything below and the command buffer, fence, query and
  /// descriptor pools, modules and functions.
  std::mutex mutex;
  std::map<uintptr_t, Allocation> allocations;
};

/// Set by an exit handler registered once the device exists: from then on,
/// module unloads and frees leave everything to the process exit (the
/// driver may already be finalizing).
std::atomic<bool> exiting{false};

/// Kernel time statistics (kept apart so that reading them never creates a
/// device).
std::mutex statsMutex;
double statsNs = 0;
uint64_t statsDispatches = 0;

uint32_t majorMinor(uint32_t version) {
  return VK_MAKE_API_VERSION(0, VK_API_VERSION_MAJOR(version),
                             VK_API_VERSION_MINOR(version), 0);
}

const char *typeName(VkPhysicalDeviceType type) {
  switch (type) {
  case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
    return "discrete GPU";
  case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
    return "integrated GPU";
  case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
    return "virtual GPU";
  case VK_PHYSICAL_DEVICE_TYPE_CPU:
    return "CPU";
  default:
    return "other";
  }
}

/// Lower is preferred.
int typeRank(VkPhysicalDeviceType type) {
  switch (type) {
  case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
    return 0;
  case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
    return 1;
  case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
    return 2;
  case VK_PHYSICAL_DEVICE_TYPE_CPU:
    return 3;
  default:
    return 4;
  }
}

std::string lower(std::string s) {
  for (char &c : s)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// A physical device as seen by device selection.
struct Candidate {
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkPhysicalDeviceProperties props{};
  int queueFamily = -1; ///< a compute family, or -1
  bool familyTimestamps = false;
  std::string unusable; ///< why it cannot be used, or ""
};

Candidate describe(VkPhysicalDevice physical) {
  Candidate c;
  c.physical = physical;
  vkGetPhysicalDeviceProperties(physical, &c.props);
  uint32_t count = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &count, nullptr);
  std::vector<VkQueueFamilyProperties> families(count);
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &count, families.data());
  // The first compute family with timestamps, else the first compute one.
  for (uint32_t i = 0; i < count; ++i) {
    if (!(families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) ||
        !families[i].queueCount)
      continue;
    bool ts = families[i].timestampValidBits > 0;
    if (c.queueFamily < 0 || (ts && !c.familyTimestamps)) {
      c.queueFamily = int(i);
      c.familyTimestamps = ts;
    }
  }
  if (majorMinor(c.props.apiVersion) < VK_API_VERSION_1_1)
    c.unusable = "supports Vulkan 1.0 only (1.1 required)";
  else if (c.queueFamily < 0)
    c.unusable = "has no compute queue";
  return c;
}

std::string listDevices(const std::vector<Candidate> &candidates) {
  std::string s;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const Candidate &c = candidates[i];
    s += "\n  " + std::to_string(i) + ": " + c.props.deviceName + " (" +
         typeName(c.props.deviceType) + ")";
    if (!c.unusable.empty())
      s += " [unusable: " + c.unusable + "]";
  }
  return s;
}

/// Picks the device (QFORGE_VULKAN_DEVICE, else by type); sets rt.error and
/// returns null when there is none.
const Candidate *selectDevice(Runtime &rt,
                              const std::vector<Candidate> &candidates) {
  const char *env = std::getenv("QFORGE_VULKAN_DEVICE");
  if (env && *env) {
    std::string want = env;
    bool isIndex = std::all_of(want.begin(), want.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c));
    });
    const Candidate *match = nullptr;
    if (isIndex) {
      unsigned long long index = std::strtoull(want.c_str(), nullptr, 10);
      if (index < candidates.size())
        match = &candidates[index];
    } else {
      // A name may match several devices: take the first usable one.
      for (const Candidate &c : candidates)
        if (lower(c.props.deviceName).find(lower(want)) != std::string::npos &&
            (!match || (!match->unusable.empty() && c.unusable.empty())))
          match = &c;
    }
    if (!match) {
      rt.error = "QFORGE_VULKAN_DEVICE=" + want +
                 " matches no Vulkan device (give an index or part of "
                 "a name); the devices are:" +
                 listDevices(candidates);
      return nullptr;
    }
    if (!match->unusable.empty()) {
      rt.error = "QFORGE_VULKAN_DEVICE=" + want + " selects " +
                 match->props.deviceName + ", which " + match->unusable;
      return nullptr;
    }
    return match;
  }
  const Candidate *best = nullptr;
  for (const Candidate &c : candidates)
    if (c.unusable.empty() && (!best || typeRank(c.props.deviceType) <
                                            typeRank(best->props.deviceType)))
      best = &c;
  if (!best)
    rt.error = "no usable Vulkan device (Vulkan 1.1 and a compute queue are "
               "required); the devices are:" +
               listDevices(candidates);
  return best;
}

bool hasExtension(const std::vector<VkExtensionProperties> &exts,
                  const char *name) {
  for (const VkExtensionProperties &e : exts)
    if (std::strcmp(e.extensionName, name) == 0)
      return true;
  return false;
}

/// Appends feature structs to a pNext chain.
struct Chain {
  void **tail;
  explicit Chain(void **head) : tail(head) {}
  template <typename T> void add(T &s) {
    *tail = &s;
    tail = &s.pNext;
  }
};

void markExiting() { exiting.store(true); }

/// Creates the instance, device, queue and the per-launch objects; sets
/// rt.error on failure.
void initialize(Runtime &rt) {
  // The loader's version (vkEnumerateInstanceVersion is missing in 1.0).
  auto enumerateInstanceVersion =
      reinterpret_cast<PFN_vkEnumerateInstanceVersion>(
          vkGetInstanceProcAddr(VK_NULL_HANDLE, "vkEnumerateInstanceVersion"));
  uint32_t loaderVersion = VK_API_VERSION_1_0;
  if (enumerateInstanceVersion &&
      enumerateInstanceVersion(&loaderVersion) != VK_SUCCESS)
    loaderVersion = VK_API_VERSION_1_0;
  if (majorMinor(loaderVersion) < VK_API_VERSION_1_1) {
    rt.error = "no Vulkan instance: the Vulkan loader supports Vulkan 1.0 "
               "only (1.1 required)";
    return;
  }
  uint32_t apiVersion = std::min(majorMinor(loaderVersion), VK_API_VERSION_1_3);

  VkApplicationInfo app{};
  app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
  app.pApplicationName = "qforge";
  app.pEngineName = "qforge";
  app.apiVersion = apiVersion;
  VkInstanceCreateInfo instanceInfo{};
  instanceInfo.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
  instanceInfo.pApplicationInfo = &app;
  VkResult r = vkCreateInstance(&instanceInfo, nullptr, &rt.instance);
  if (r != VK_SUCCESS) {
    rt.instance = VK_NULL_HANDLE;
    rt.error =
        "no Vulkan instance: vkCreateInstance failed: " + resultString(r);
    if (r == VK_ERROR_INCOMPATIBLE_DRIVER)
      rt.error += " (no Vulkan driver is installed, or none supports "
                  "Vulkan 1.1)";
    return;
  }

  uint32_t count = 0;
  r = vkEnumeratePhysicalDevices(rt.instance, &count, nullptr);
  std::vector<VkPhysicalDevice> physicals(count);
  if (r == VK_SUCCESS && count)
    r = vkEnumeratePhysicalDevices(rt.instance, &count, physicals.data());
  if (r != VK_SUCCESS && r != VK_INCOMPLETE) {
    rt.error = "no Vulkan device: vkEnumeratePhysicalDevices failed: " +
               resultString(r);
    return;
  }
  physicals.resize(count);
  if (physicals.empty()) {
    rt.error = "no Vulkan device: the Vulkan drivers report no physical "
               "device";
    return;
  }
  std::vector<Candidate> candidates;
  for (VkPhysicalDevice p : physicals)
    candidates.push_back(describe(p));
  const Candidate *chosen = selectDevice(rt, candidates);
  if (!chosen)
    return;

  rt.physical = chosen->physical;
  rt.props = chosen->props;
  rt.queueFamily = uint32_t(chosen->queueFamily);
  rt.name = std::string(rt.props.deviceName) + " (" +
            typeName(rt.props.deviceType) + ")";
  vkGetPhysicalDeviceMemoryProperties(rt.physical, &rt.memProps);
  uint32_t version = std::min(majorMinor(rt.props.apiVersion), apiVersion);

  uint32_t extCount = 0;
  vkEnumerateDeviceExtensionProperties(rt.physical, nullptr, &extCount,
                                       nullptr);
  std::vector<VkExtensionProperties> exts(extCount);
  vkEnumerateDeviceExtensionProperties(rt.physical, nullptr, &extCount,
                                       exts.data());
  exts.resize(extCount);

  // Query the features: the core 1.2 / 1.3 structs where the device has
  // those versions, the extension structs otherwise.
  bool core12 = version >= VK_API_VERSION_1_2;
  bool core13 = version >= VK_API_VERSION_1_3;
  bool ext8 = !core12 && hasExtension(exts, VK_KHR_8BIT_STORAGE_EXTENSION_NAME);
  bool extF16I8 =
      !core12 && hasExtension(exts, VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME);
  bool extDot =
      !core13 &&
      hasExtension(exts, VK_KHR_SHADER_INTEGER_DOT_PRODUCT_EXTENSION_NAME);

  VkPhysicalDeviceFeatures2 have{};
  have.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
  VkPhysicalDevice16BitStorageFeatures have16{};
  have16.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES;
  VkPhysicalDeviceVulkan12Features have12{};
  have12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES;
  VkPhysicalDeviceVulkan13Features have13{};
  have13.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES;
  VkPhysicalDevice8BitStorageFeatures have8{};
  have8.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES;
  VkPhysicalDeviceShaderFloat16Int8Features haveF16I8{};
  haveF16I8.sType =
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES;
  VkPhysicalDeviceShaderIntegerDotProductFeatures haveDot{};
  haveDot.sType =
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES;
  {
    Chain chain(&have.pNext);
    chain.add(have16);
    if (core12)
      chain.add(have12);
    if (core13)
      chain.add(have13);
    if (ext8)
      chain.add(have8);
    if (extF16I8)
      chain.add(haveF16I8);
    if (extDot)
      chain.add(haveDot);
    vkGetPhysicalDeviceFeatures2(rt.physical, &have);
  }

  bool int8 = core12 ? have12.shaderInt8 : extF16I8 && haveF16I8.shaderInt8;
  bool float16 =
      core12 ? have12.shaderFloat16 : extF16I8 && haveF16I8.shaderFloat16;
  rt.storage8 = core12 ? have12.storageBuffer8BitAccess
                       : ext8 && have8.storageBuffer8BitAccess;
  rt.integerDotProduct = core13 ? have13.shaderIntegerDotProduct
                                : extDot && haveDot.shaderIntegerDotProduct;

  // Enable what the kernels may use, where supported.
  VkPhysicalDeviceFeatures2 want{};
  want.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
  want.features.shaderInt64 = have.features.shaderInt64;
  want.features.shaderInt16 = have.features.shaderInt16;
  want.features.shaderFloat64 = have.features.shaderFloat64;
  VkPhysicalDevice16BitStorageFeatures want16{};
  want16.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES;
  want16.storageBuffer16BitAccess = have16.storageBuffer16BitAccess;
  VkPhysicalDeviceVulkan12Features want12{};
  want12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES;
  want12.shaderInt8 = int8;
  want12.shaderFloat16 = float16;
  want12.storageBuffer8BitAccess = rt.storage8;
  VkPhysicalDeviceVulkan13Features want13{};
  want13.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES;
  want13.shaderIntegerDotProduct = rt.integerDotProduct;
  VkPhysicalDevice8BitStorageFeatures want8{};
  want8.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES;
  want8.storageBuffer8BitAccess = rt.storage8;
  VkPhysicalDeviceShaderFloat16Int8Features wantF16I8{};
  wantF16I8.sType =
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES;
  wantF16I8.shaderInt8 = int8;
  wantF16I8.shaderFloat16 = float16;
  VkPhysicalDeviceShaderIntegerDotProductFeatures wantDot{};
  wantDot.sType =
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES;
  wantDot.shaderIntegerDotProduct = rt.integerDotProduct;

  std::vector<const char *> enable;
  {
    Chain chain(&want.pNext);
    chain.add(want16);
    if (core12)
      chain.add(want12);
    if (core13)
      chain.add(want13);
    if (ext8 && rt.storage8) {
      chain.add(want8);
      enable.push_back(VK_KHR_8BIT_STORAGE_EXTENSION_NAME);
    }
    if (extF16I8 && (int8 || float16)) {
      chain.add(wantF16I8);
      enable.push_back(VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME);
    }
    if (extDot && rt.integerDotProduct) {
      chain.add(wantDot);
      enable.push_back(VK_KHR_SHADER_INTEGER_DOT_PRODUCT_EXTENSION_NAME);
    }
  }

  float priority = 1.0f;
  VkDeviceQueueCreateInfo queueInfo{};
  queueInfo.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
  queueInfo.queueFamilyIndex = rt.queueFamily;
  queueInfo.queueCount = 1;
  queueInfo.pQueuePriorities = &priority;
  VkDeviceCreateInfo deviceInfo{};
  deviceInfo.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
  deviceInfo.pNext = &want;
  deviceInfo.queueCreateInfoCount = 1;
  deviceInfo.pQueueCreateInfos = &queueInfo;
  deviceInfo.enabledExtensionCount = uint32_t(enable.size());
  deviceInfo.ppEnabledExtensionNames = enable.data();
  r = vkCreateDevice(rt.physical, &deviceInfo, nullptr, &rt.device);
  if (r != VK_SUCCESS) {
    rt.device = VK_NULL_HANDLE;
    rt.error = "cannot create a Vulkan device on " + rt.name +
               ": vkCreateDevice failed: " + resultString(r);
    return;
  }
  vkGetDeviceQueue(rt.device, rt.queueFamily, 0, &rt.queue);

  // Per-launch objects: one command buffer, fence and query pool, reused
  // (launches are serialized).
  auto step = [&](VkResult res, const char *what) {
    if (res != VK_SUCCESS && rt.error.empty())
      rt.error = std::string("cannot set up the Vulkan device: ") + what +
                 " failed: " + resultString(res);
    return res == VK_SUCCESS;
  };
  VkCommandPoolCreateInfo poolInfo{};
  poolInfo.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
  poolInfo.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  poolInfo.queueFamilyIndex = rt.queueFamily;
  if (!step(vkCreateCommandPool(rt.device, &poolInfo, nullptr, &rt.commandPool),
            "vkCreateCommandPool"))
    return;
  VkCommandBufferAllocateInfo cbInfo{};
  cbInfo.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
  cbInfo.commandPool = rt.commandPool;
  cbInfo.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  cbInfo.commandBufferCount = 1;
  if (!step(vkAllocateCommandBuffers(rt.device, &cbInfo, &rt.commandBuffer),
            "vkAllocateCommandBuffers"))
    return;
  VkFenceCreateInfo fenceInfo{};
  fenceInfo.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
  if (!step(vkCreateFence(rt.device, &fenceInfo, nullptr, &rt.fence),
            "vkCreateFence"))
    return;
  VkPipelineCacheCreateInfo cacheInfo{};
  cacheInfo.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO;
  if (!step(vkCreatePipelineCache(rt.device, &cacheInfo, nullptr,
                                  &rt.pipelineCache),
            "vkCreatePipelineCache"))
    return;
  if (chosen->familyTimestamps) {
    uint32_t familyCount = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(rt.physical, &familyCount,
                                             nullptr);
    std::vector<VkQueueFamilyProperties> families(familyCount);
    vkGetPhysicalDeviceQueueFamilyProperties(rt.physical, &familyCount,
                                             families.data());
    uint32_t bits = families[rt.queueFamily].timestampValidBits;
    rt.timestampMask = bits >= 64 ? ~uint64_t(0) : (uint64_t(1) << bits) - 1;
    VkQueryPoolCreateInfo queryInfo{};
    queryInfo.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO;
    queryInfo.queryType = VK_QUERY_TYPE_TIMESTAMP;
    queryInfo.queryCount = 2;
    if (!step(vkCreateQueryPool(rt.device, &queryInfo, nullptr, &rt.queryPool),
              "vkCreateQueryPool"))
      return;
    rt.timestamps = true;
  }
  // Registered after the driver is loaded, so it runs before the driver's
  // own exit handlers and before the executable's static destructors.
  std::atexit(markExiting);
}

/// The runtime, initialized once; rt.error says whether it can be used.
Runtime &runtime() {
  static Runtime *rt = new Runtime; // never destroyed: see exiting
  static std::once_flag once;
  std::call_once(once, [] { initialize(*rt); });
  return *rt;
}

/// The runtime, or a clear error and exit(1).
Runtime &ready() {
  Runtime &rt = runtime();
  if (!rt.error.empty())
    fail(rt.error);
  return rt;
}

/// The live allocation containing `p`, or null. Requires rt.mutex.
const std::pair<const uintptr_t, Allocation> *findAllocation(Runtime &rt,
                                                             const void *p) {
  uintptr_t addr = reinterpret_cast<uintptr_t>(p);
  auto it = rt.allocations.upper_bound(addr);
  if (it == rt.allocations.begin())
    return nullptr;
  --it;
  if (addr - it->first >= it->second.size)
    return nullptr;
  return &*it;
}

/// The GLCompute entry points of a SPIR-V module; exits when the binary is
/// malformed.
std::vector<std::string> computeEntryPoints(const std::vector<uint32_t> &w) {
  constexpr uint32_t kOpEntryPoint = 15, kOpFunction = 54, kGLCompute = 5;
  std::vector<std::string> names;
  for (size_t i = 5; i < w.size();) {
    uint32_t wordCount = w[i] >> 16, opcode = w[i] & 0xffff;
    if (wordCount == 0 || i + wordCount > w.size())
      fail("qfvkModuleLoad: malformed SPIR-V (bad instruction at word " +
           std::to_string(i) + ")");
    if (opcode == kOpFunction) // entry points precede all functions
      break;
    if (opcode == kOpEntryPoint && wordCount >= 4 && w[i + 1] == kGLCompute) {
      // A literal string: UTF-8, low-order byte of each word first.
      std::string name;
      for (size_t j = i + 3; j < i + wordCount; ++j) {
        bool end = false;
        for (int b = 0; b < 4 && !end; ++b) {
          char c = char((w[j] >> (8 * b)) & 0xff);
          if (c)
            name += c;
          else
            end = true;
        }
        if (end)
          break;
      }
      names.push_back(name);
    }
    i += wordCount;
  }
  return names;
}

/// The pipeline of `fn` with `n` storage-buffer bindings, created on first
/// use. Requires rt.mutex.
Pipeline &pipelineFor(Runtime &rt, Function &fn, size_t n) {
  auto it = fn.pipelines.find(n);
  if (it != fn.pipelines.end())
    return it->second;
  std::string what = " (kernel '" + fn.name + "')";
  Pipeline p;
  std::vector<VkDescriptorSetLayoutBinding> bindings(n);
  for (size_t i = 0; i < n; ++i) {
    bindings[i].binding = uint32_t(i);
    bindings[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    bindings[i].descriptorCount = 1;
    bindings[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
  }
  VkDescriptorSetLayoutCreateInfo setInfo{};
  setInfo.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
  setInfo.bindingCount = uint32_t(n);
  setInfo.pBindings = bindings.data();
  check(vkCreateDescriptorSetLayout(rt.device, &setInfo, nullptr, &p.setLayout),
        "vkCreateDescriptorSetLayout" + what);
  VkPipelineLayoutCreateInfo layoutInfo{};
  layoutInfo.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
  layoutInfo.setLayoutCount = 1;
  layoutInfo.pSetLayouts = &p.setLayout;
  check(vkCreatePipelineLayout(rt.device, &layoutInfo, nullptr, &p.layout),
        "vkCreatePipelineLayout" + what);
  VkComputePipelineCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
  info.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  info.stage.module = fn.module->shader;
  info.stage.pName = fn.name.c_str();
  info.layout = p.layout;
  info.basePipelineIndex = -1;
  check(vkCreateComputePipelines(rt.device, rt.pipelineCache, 1, &info, nullptr,
                                 &p.pipeline),
        "vkCreateComputePipelines" + what);
  return fn.pipelines.emplace(n, p).first->second;
}

void destroyPipeline(Runtime &rt, Pipeline &p) {
  vkDestroyPipeline(rt.device, p.pipeline, nullptr);
  vkDestroyPipelineLayout(rt.device, p.layout, nullptr);
  vkDestroyDescriptorSetLayout(rt.device, p.setLayout, nullptr);
}

/// Allocates and fills a descriptor set for `infos`. Requires rt.mutex.
VkDescriptorSet descriptorSet(Runtime &rt, VkDescriptorSetLayout layout,
                              const std::vector<VkDescriptorBufferInfo> &infos,
                              const std::string &what) {
  uint32_t n = uint32_t(infos.size());
  if (rt.descriptorCapacity < n) {
    if (rt.descriptorPool)
      vkDestroyDescriptorPool(rt.device, rt.descriptorPool, nullptr);
    rt.descriptorPool = VK_NULL_HANDLE;
    rt.descriptorCapacity = 0;
    uint32_t capacity = std::max<uint32_t>(n, 16);
    VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, capacity};
    VkDescriptorPoolCreateInfo poolInfo{};
    poolInfo.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
    poolInfo.maxSets = 1;
    poolInfo.poolSizeCount = 1;
    poolInfo.pPoolSizes = &size;
    check(vkCreateDescriptorPool(rt.device, &poolInfo, nullptr,
                                 &rt.descriptorPool),
          "vkCreateDescriptorPool" + what);
    rt.descriptorCapacity = capacity;
  }
  VkDescriptorSetAllocateInfo allocInfo{};
  allocInfo.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
  allocInfo.descriptorPool = rt.descriptorPool;
  allocInfo.descriptorSetCount = 1;
  allocInfo.pSetLayouts = &layout;
  VkDescriptorSet set = VK_NULL_HANDLE;
  check(vkAllocateDescriptorSets(rt.device, &allocInfo, &set),
        "vkAllocateDescriptorSets" + what);
  std::vector<VkWriteDescriptorSet> writes(n);
  for (uint32_t i = 0; i < n; ++i) {
    writes[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
    writes[i].dstSet = set;
    writes[i].dstBinding = i;
    writes[i].descriptorCount = 1;
    writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    writes[i].pBufferInfo = &infos[i];
  }
  vkUpdateDescriptorSets(rt.device, n, writes.data(), 0, nullptr);
  return set;
}

char dummyStream, dummyEvent;

} // namespace

//===----------------------------------------------------------------------===//
// C++ API
//===----------------------------------------------------------------------===//

bool qforge::vulkan::available(std::string *why) {
  Runtime &rt = runtime();
  if (why)
    *why = rt.error;
  return rt.error.empty();
}

std::string qforge::vulkan::deviceName() {
  return available() ? runtime().name : "";
}

bool qforge::vulkan::supportsIntegerDotProduct() {
  return available() && runtime().integerDotProduct;
}

bool qforge::vulkan::supports8BitStorage() {
  return available() && runtime().storage8;
}

double qforge::vulkan::kernelTimeMs() {
  std::lock_guard<std::mutex> lock(statsMutex);
  return statsNs * 1e-6;
}

uint64_t qforge::vulkan::dispatchCount() {
  std::lock_guard<std::mutex> lock(statsMutex);
  return statsDispatches;
}

void qforge::vulkan::resetKernelTime() {
  std::lock_guard<std::mutex> lock(statsMutex);
  statsNs = 0;
  statsDispatches = 0;
}

//===----------------------------------------------------------------------===//
// qfvk* ABI
//===----------------------------------------------------------------------===//

extern "C" {

void *qfvkModuleLoad(void *data, size_t size) {
  if (!data || size < 20 || size % 4)
    fail("qfvkModuleLoad: not a SPIR-V binary (" + std::to_string(size) +
         " bytes; expected a whole number of 32-bit words, at least 5)");
  std::vector<uint32_t> words(size / 4);
  std::memcpy(words.data(), data, size);
  constexpr uint32_t kMagic = 0x07230203;
  if (words[0] != kMagic) {
    char magic[16];
    std::snprintf(magic, sizeof(magic), "0x%08x", words[0]);
    fail(std::string("qfvkModuleLoad: not a SPIR-V binary (magic number ") +
         magic + ", expected 0x07230203 in host byte order)");
  }
  std::vector<std::string> entryPoints = computeEntryPoints(words);
  Runtime &rt = ready();
  auto module = std::make_unique<Module>();
  module->entryPoints = std::move(entryPoints);
  VkShaderModuleCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
  info.codeSize = size;
  info.pCode = words.data();
  check(vkCreateShaderModule(rt.device, &info, nullptr, &module->shader),
        "vkCreateShaderModule (qfvkModuleLoad)");
  return module.release();
}

void *qfvkModuleLoadJIT(void *, int) {
  fail("qfvkModuleLoadJIT: not supported; the Vulkan runtime loads SPIR-V "
       "binaries only (qfvkModuleLoad)");
}

void qfvkModuleUnload(void *module) {
  // During process exit (a generated module destructor), leave everything
  // to the exit: the driver may already be shutting down.
  if (!module || exiting.load())
    return;
  Runtime &rt = runtime();
  if (!rt.error.empty())
    return; // no module can have been loaded
  auto *m = static_cast<Module *>(module);
  std::lock_guard<std::mutex> lock(rt.mutex);
  for (std::unique_ptr<Function> &fn : m->functions)
    for (auto &[n, p] : fn->pipelines)
      destroyPipeline(rt, p);
  vkDestroyShaderModule(rt.device, m->shader, nullptr);
  delete m;
}

void *qfvkModuleGetFunction(void *module, const char *name) {
  if (!module || !name)
    fail("qfvkModuleGetFunction: null module or name");
  auto *m = static_cast<Module *>(module);
  if (std::find(m->entryPoints.begin(), m->entryPoints.end(), name) ==
      m->entryPoints.end()) {
    std::string list;
    for (const std::string &e : m->entryPoints)
      list += (list.empty() ? "" : ", ") + e;
    fail(std::string("qfvkModuleGetFunction: the module has no compute "
                     "entry point '") +
         name + "' (it has: " + (list.empty() ? "none" : list) + ")");
  }
  Runtime &rt = ready();
  std::lock_guard<std::mutex> lock(rt.mutex);
  for (std::unique_ptr<Function> &fn : m->functions)
    if (fn->name == name)
      return fn.get();
  auto fn = std::make_unique<Function>();
  fn->module = m;
  fn->name = name;
  m->functions.push_back(std::move(fn));
  return m->functions.back().get();
}

void qfvkLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t sharedMemBytes, void *stream,
                      void **params, void **extra, size_t paramsCount) {
  if (!function)
    fail("qfvkLaunchKernel: null function");
  Runtime &rt = ready();
  Function &fn = *static_cast<Function *>(function);
  const std::string kernel = "kernel '" + fn.name + "'";
  const VkPhysicalDeviceLimits &limits = rt.props.limits;
  const intptr_t grid[3] = {gridX, gridY, gridZ};
  const intptr_t block[3] = {blockX, blockY, blockZ};
  const char *axis[3] = {"x", "y", "z"};
  uint64_t invocations = 1;
  for (int i = 0; i < 3; ++i) {
    if (grid[i] < 0 || uint64_t(grid[i]) > limits.maxComputeWorkGroupCount[i])
      fail("qfvkLaunchKernel: " + kernel + ": grid size " + axis[i] + " = " +
           std::to_string(grid[i]) +
           " is outside the device's maxComputeWorkGroupCount[" +
           std::to_string(i) +
           "] = " + std::to_string(limits.maxComputeWorkGroupCount[i]));
    if (block[i] < 1 || uint64_t(block[i]) > limits.maxComputeWorkGroupSize[i])
      fail("qfvkLaunchKernel: " + kernel + ": block size " + axis[i] + " = " +
           std::to_string(block[i]) +
           " is outside the device's maxComputeWorkGroupSize[" +
           std::to_string(i) +
           "] = " + std::to_string(limits.maxComputeWorkGroupSize[i]));
    invocations *= uint64_t(block[i]);
  }
  if (invocations > limits.maxComputeWorkGroupInvocations)
    fail("qfvkLaunchKernel: " + kernel + ": " + std::to_string(invocations) +
         " invocations per workgroup exceed the device's "
         "maxComputeWorkGroupInvocations = " +
         std::to_string(limits.maxComputeWorkGroupInvocations));
  if (sharedMemBytes < 0 ||
      uint32_t(sharedMemBytes) > limits.maxComputeSharedMemorySize)
    fail("qfvkLaunchKernel: " + kernel + ": " + std::to_string(sharedMemBytes) +
         " bytes of shared memory exceed the device's "
         "maxComputeSharedMemorySize = " +
         std::to_string(limits.maxComputeSharedMemorySize));
  if (extra)
    fail("qfvkLaunchKernel: " + kernel +
         ": 'extra' kernel parameters are not supported");
  if (paramsCount && !params)
    fail("qfvkLaunchKernel: " + kernel + ": null parameter array");
  if (paramsCount > limits.maxPerStageDescriptorStorageBuffers ||
      paramsCount > limits.maxDescriptorSetStorageBuffers)
    fail("qfvkLaunchKernel: " + kernel + ": " + std::to_string(paramsCount) +
         " buffer parameters exceed the device's limit of " +
         std::to_string(std::min(limits.maxPerStageDescriptorStorageBuffers,
                                 limits.maxDescriptorSetStorageBuffers)) +
         " storage buffers per stage / set");

  std::lock_guard<std::mutex> lock(rt.mutex);

  // Bare pointers: params[i] points to the pointer.
  std::vector<VkDescriptorBufferInfo> infos(paramsCount);
  for (size_t i = 0; i < paramsCount; ++i) {
    void *p = params[i] ? *static_cast<void **>(params[i]) : nullptr;
    const auto *alloc = findAllocation(rt, p);
    if (!alloc)
      fail("qfvkLaunchKernel: " + kernel + ": parameter " + std::to_string(i) +
           " (" + hexPointer(p) +
           ") is not inside a live qfvkMemAlloc allocation");
    VkDeviceSize offset = reinterpret_cast<uintptr_t>(p) - alloc->first;
    VkDeviceSize range = alloc->second.size - offset;
    if (offset % limits.minStorageBufferOffsetAlignment)
      fail("qfvkLaunchKernel: " + kernel + ": parameter " + std::to_string(i) +
           " is at offset " + std::to_string(offset) +
           " into its allocation, not a multiple of the device's "
           "minStorageBufferOffsetAlignment = " +
           std::to_string(limits.minStorageBufferOffsetAlignment));
    if (range > limits.maxStorageBufferRange)
      fail("qfvkLaunchKernel: " + kernel + ": parameter " + std::to_string(i) +
           " spans " + std::to_string(range) +
           " bytes, more than the device's maxStorageBufferRange = " +
           std::to_string(limits.maxStorageBufferRange));
    infos[i].buffer = alloc->second.buffer;
    infos[i].offset = offset;
    infos[i].range = VK_WHOLE_SIZE;
  }
  if (!gridX || !gridY || !gridZ)
    return; // nothing to run

  const std::string what = " (" + kernel + ")";
  Pipeline &pipeline = pipelineFor(rt, fn, paramsCount);
  VkDescriptorSet set = VK_NULL_HANDLE;
  if (paramsCount)
    set = descriptorSet(rt, pipeline.setLayout, infos, what);

  VkCommandBuffer cb = rt.commandBuffer;
  check(vkResetCommandBuffer(cb, 0), "vkResetCommandBuffer" + what);
  VkCommandBufferBeginInfo begin{};
  begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  check(vkBeginCommandBuffer(cb, &begin), "vkBeginCommandBuffer" + what);
  if (rt.timestamps) {
    vkCmdResetQueryPool(cb, rt.queryPool, 0, 2);
    vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, rt.queryPool, 0);
  }
  vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.pipeline);
  if (paramsCount)
    vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.layout,
                            0, 1, &set, 0, nullptr);
  vkCmdDispatch(cb, uint32_t(gridX), uint32_t(gridY), uint32_t(gridZ));
  // Make the shader's writes visible to host reads of the mapped memory.
  VkMemoryBarrier barrier{};
  barrier.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
  barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
  barrier.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                       VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &barrier, 0, nullptr,
                       0, nullptr);
  if (rt.timestamps)
    vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, rt.queryPool,
                        1);
  check(vkEndCommandBuffer(cb), "vkEndCommandBuffer" + what);

  VkSubmitInfo submit{};
  submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &cb;
  check(vkQueueSubmit(rt.queue, 1, &submit, rt.fence), "vkQueueSubmit" + what);
  check(vkWaitForFences(rt.device, 1, &rt.fence, VK_TRUE, UINT64_MAX),
        "vkWaitForFences" + what);
  check(vkResetFences(rt.device, 1, &rt.fence), "vkResetFences" + what);
  if (paramsCount)
    check(vkResetDescriptorPool(rt.device, rt.descriptorPool, 0),
          "vkResetDescriptorPool" + what);

  double ns = 0;
  if (rt.timestamps) {
    uint64_t ticks[2] = {0, 0};
    check(vkGetQueryPoolResults(rt.device, rt.queryPool, 0, 2, sizeof(ticks),
                                ticks, sizeof(uint64_t),
                                VK_QUERY_RESULT_64_BIT |
                                    VK_QUERY_RESULT_WAIT_BIT),
          "vkGetQueryPoolResults" + what);
    ns = double((ticks[1] - ticks[0]) & rt.timestampMask) *
         double(rt.props.limits.timestampPeriod);
  }
  std::lock_guard<std::mutex> statsLock(statsMutex);
  statsNs += ns;
  ++statsDispatches;
}

void *qfvkStreamCreate() { return &dummyStream; }
void qfvkStreamDestroy(void *) {}
void qfvkStreamSynchronize(void *) {}
void *qfvkEventCreate() { return &dummyEvent; }
void qfvkEventDestroy(void *) {}
void qfvkEventSynchronize(void *) {}
void qfvkEventRecord(void *, void *) {}
void qfvkStreamWaitEvent(void *, void *) {}

void *qfvkMemAlloc(uint64_t sizeBytes, void *, bool) {
  Runtime &rt = ready();
  const std::string what =
      " (qfvkMemAlloc of " + std::to_string(sizeBytes) + " bytes)";
  if (sizeBytes > UINT64_MAX - 3)
    fail("qfvkMemAlloc: size " + std::to_string(sizeBytes) + " is too large");
  VkDeviceSize size = std::max<uint64_t>(4, (sizeBytes + 3) & ~uint64_t(3));

  std::lock_guard<std::mutex> lock(rt.mutex);
  Allocation a;
  a.size = size;
  VkBufferCreateInfo bufferInfo{};
  bufferInfo.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
  bufferInfo.size = size;
  bufferInfo.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                     VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                     VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  bufferInfo.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  check(vkCreateBuffer(rt.device, &bufferInfo, nullptr, &a.buffer),
        "vkCreateBuffer" + what);
  VkMemoryRequirements reqs;
  vkGetBufferMemoryRequirements(rt.device, a.buffer, &reqs);

  // Host-visible and coherent memory, device-local first, then cached.
  constexpr VkMemoryPropertyFlags kNeed = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                          VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  std::vector<std::pair<int, uint32_t>> types; // (rank, index)
  for (uint32_t i = 0; i < rt.memProps.memoryTypeCount; ++i) {
    VkMemoryPropertyFlags f = rt.memProps.memoryTypes[i].propertyFlags;
    if (!(reqs.memoryTypeBits & (1u << i)) || (f & kNeed) != kNeed)
      continue;
    int rank = (f & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT ? 0 : 2) +
               (f & VK_MEMORY_PROPERTY_HOST_CACHED_BIT ? 0 : 1);
    types.push_back({rank, i});
  }
  std::stable_sort(types.begin(), types.end());
  if (types.empty())
    fail("qfvkMemAlloc: the device has no host-visible, host-coherent memory "
         "type for storage buffers");
  VkMemoryAllocateInfo allocInfo{};
  allocInfo.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
  allocInfo.allocationSize = reqs.size;
  VkResult r = VK_ERROR_OUT_OF_DEVICE_MEMORY;
  for (const auto &type : types) {
    // A device-local host-visible heap may be small (a PCIe BAR window):
    // fall back to the next type when it is full.
    allocInfo.memoryTypeIndex = type.second;
    r = vkAllocateMemory(rt.device, &allocInfo, nullptr, &a.memory);
    if (r == VK_SUCCESS || (r != VK_ERROR_OUT_OF_DEVICE_MEMORY &&
                            r != VK_ERROR_OUT_OF_HOST_MEMORY))
      break;
  }
  check(r, "vkAllocateMemory" + what);
  check(vkBindBufferMemory(rt.device, a.buffer, a.memory, 0),
        "vkBindBufferMemory" + what);
  void *ptr = nullptr;
  check(vkMapMemory(rt.device, a.memory, 0, VK_WHOLE_SIZE, 0, &ptr),
        "vkMapMemory" + what);
  rt.allocations[reinterpret_cast<uintptr_t>(ptr)] = a;
  return ptr;
}

void qfvkMemFree(void *ptr, void *) {
  if (!ptr || exiting.load())
    return;
  Runtime &rt = ready();
  std::lock_guard<std::mutex> lock(rt.mutex);
  auto it = rt.allocations.find(reinterpret_cast<uintptr_t>(ptr));
  if (it == rt.allocations.end())
    fail("qfvkMemFree: " + hexPointer(ptr) +
         " is not the start of a live qfvkMemAlloc allocation");
  // Launches are synchronous: the device no longer uses the buffer.
  vkDestroyBuffer(rt.device, it->second.buffer, nullptr);
  vkFreeMemory(rt.device, it->second.memory, nullptr); // also unmaps
  rt.allocations.erase(it);
}

void qfvkMemcpy(void *dst, void *src, size_t sizeBytes, void *) {
  // All memory is host-mapped and coherent, and nothing is in flight.
  if (sizeBytes)
    std::memmove(dst, src, sizeBytes);
}

void qfvkMemset32(void *dst, unsigned value, size_t count, void *) {
  uint32_t v = value;
  auto *bytes = static_cast<unsigned char *>(dst);
  for (size_t i = 0; i < count; ++i)
    std::memcpy(bytes + 4 * i, &v, 4);
}

} // extern "C"
