/** Turns ORT's provider failures into messages that name what is missing and how to fix it. */
import { dirname } from 'node:path';
import { providerByAppendName } from '../native/provider-names.js';

export interface ProviderDiagnosis {
  provider: string;
  /** The shared library that could not be loaded, when ORT said which. */
  missingLibrary?: string;
  /** Where the loader looked: the ORT library's folder, then LD_LIBRARY_PATH / PATH. */
  searchPaths: string[];
  fix: string;
}

function searchPaths(ortLibrary: string): string[] {
  const envVar = process.platform === 'win32' ? 'PATH' : process.platform === 'darwin' ? 'DYLD_LIBRARY_PATH' : 'LD_LIBRARY_PATH';
  const extra = (process.env[envVar] ?? '').split(process.platform === 'win32' ? ';' : ':').filter(Boolean);
  return [dirname(ortLibrary), ...extra];
}

/** Short provider name from ORT's append name ('CUDA' → 'cuda'). */
export function shortProviderName(appendName: string): string {
  return providerByAppendName(appendName)?.short ?? appendName;
}

export function diagnoseProvider(provider: string, message: string, ortLibrary: string): ProviderDiagnosis {
  const paths = searchPaths(ortLibrary);
  const missing =
    /([\w.+-]+\.(?:so[\w.]*|dylib|dll))\s*:\s*cannot open shared object file/.exec(message)?.[1] ??
    /Failed to load library\s+(\S+)/.exec(message)?.[1];
  const diagnosis: ProviderDiagnosis = { provider, searchPaths: paths, fix: '' };
  if (missing) diagnosis.missingLibrary = missing;
  if (/not supported in this build|not enabled in this build/i.test(message)) {
    diagnosis.fix = `The ONNX Runtime library in use (${ortLibrary}) was built without the ${provider} provider: set ORTEX_ORT_LIB (or init({ runtimeLibrary })) to an ONNX Runtime build that includes it.`;
  } else if (provider === 'cuda' || provider === 'tensorrt') {
    diagnosis.fix = `The ${provider} provider needs libonnxruntime_providers_shared and libonnxruntime_providers_${provider === 'cuda' ? 'cuda' : 'tensorrt'} beside the ONNX Runtime library (${dirname(ortLibrary)}; onnxruntime-node's build ships none, so point ORTEX_ORT_LIB at an ORT GPU build), plus the CUDA runtime, cuBLAS and cuDNN 9${provider === 'tensorrt' ? ' and TensorRT' : ''} on ${process.platform === 'win32' ? 'PATH' : 'LD_LIBRARY_PATH'}. Searched: ${paths.join(', ')}.`;
  } else if (provider === 'webgpu') {
    diagnosis.fix =
      /vulkan/i.test(message) || /adapter/i.test(message)
        ? 'WebGPU found no usable GPU adapter: it needs a GPU driver with Vulkan (Linux), Metal (macOS) or D3D12 (Windows); on Linux also the Vulkan loader libvulkan.so.1 (Debian: apt-get install libvulkan1).'
        : 'WebGPU could not start: check the GPU driver.';
  } else {
    diagnosis.fix = `Check that the ${provider} provider's libraries and drivers are installed, or request it with onFailure: 'fallback'.`;
  }
  return diagnosis;
}
