/** Execution provider names: the user-facing short names and ONNX Runtime's own. One table. */

export interface ProviderName {
  /** Name used in options: 'cpu', 'cuda', ... */
  readonly short: string;
  /** Name ORT's SessionOptionsAppendExecutionProvider expects (CPU/CUDA/TensorRT have own calls). */
  readonly append: string;
  /** Name in ORT's GetAvailableProviders(). */
  readonly available: string;
}

export const PROVIDERS: readonly ProviderName[] = [
  { short: 'cpu', append: 'CPU', available: 'CPUExecutionProvider' },
  { short: 'cuda', append: 'CUDA', available: 'CUDAExecutionProvider' },
  { short: 'tensorrt', append: 'TensorRT', available: 'TensorrtExecutionProvider' },
  { short: 'webgpu', append: 'WebGPU', available: 'WebGpuExecutionProvider' },
  { short: 'xnnpack', append: 'XNNPACK', available: 'XnnpackExecutionProvider' },
  { short: 'coreml', append: 'CoreML', available: 'CoreMLExecutionProvider' },
  { short: 'dml', append: 'DML', available: 'DmlExecutionProvider' },
  { short: 'qnn', append: 'QNN', available: 'QNNExecutionProvider' },
  { short: 'openvino', append: 'OpenVINO', available: 'OpenVINOExecutionProvider' },
  { short: 'azure', append: 'AZURE', available: 'AzureExecutionProvider' },
];

export function providerByShort(name: string): ProviderName | undefined {
  const lower = name.toLowerCase();
  return PROVIDERS.find((p) => p.short === lower || p.available.toLowerCase() === lower || p.append.toLowerCase() === lower);
}

export function providerByAppendName(name: string): ProviderName | undefined {
  return PROVIDERS.find((p) => p.append === name);
}

export function providerByAvailableName(name: string): ProviderName | undefined {
  return PROVIDERS.find((p) => p.available === name);
}
