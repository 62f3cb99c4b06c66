# node-gyp build of the same addon CMakeLists.txt builds (cmake-js, `npm run build:native`).
# Used by `npm run prebuild` (prebuildify) and by test/gyp-build.test.mjs. Same sources (every
# native/*.cc), C++17, C++ exceptions on, hidden symbols, ORT dlopen'ed (never linked). The N-API
# version and the defines come from native/build.json, which CMakeLists.txt reads too.
# ORT headers: ORT_INCLUDE_DIR, else the pinned devDependency com.github.asus4.onnxruntime.
{
  'targets': [
    {
      'target_name': 'ortex',
      'sources': [
        "<!@(node -p \"require('fs').readdirSync('native').filter(f => f.endsWith('.cc')).sort().map(f => 'native/' + f).join(' ')\")"
      ],
      'include_dirs': [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!(node -p \"process.env.ORT_INCLUDE_DIR || require('path').join(require('path').dirname(require.resolve('com.github.asus4.onnxruntime/package.json')), 'Plugins/iOS~/onnxruntime.xcframework/ios-arm64_x86_64-simulator/onnxruntime.framework/Headers')\")"
      ],
      'defines': [
        "NAPI_VERSION=<!(node -p \"require('./native/build.json').napiVersion\")",
        "<!@(node -p \"require('./native/build.json').defines.join(' ')\")"
      ],
      'cflags!': ['-fno-exceptions'],
      'cflags_cc!': ['-fno-exceptions', '-fno-rtti', '-std=gnu++17', '-std=gnu++20'],
      'cflags_cc': ['-std=c++17', '-fexceptions', '-frtti', '-fvisibility=hidden', '-fvisibility-inlines-hidden'],
      'cflags': ['-fvisibility=hidden'],
      'configurations': {
        'Release': { 'defines': ['NDEBUG'] }
      },
      'conditions': [
        ['OS=="linux"', {
          'libraries': ['-ldl']
        }],
        ['OS=="mac"', {
          'xcode_settings': {
            'GCC_ENABLE_CPP_EXCEPTIONS': 'YES',
            'GCC_ENABLE_CPP_RTTI': 'YES',
            'GCC_SYMBOLS_PRIVATE_EXTERN': 'YES',
            'GCC_INLINES_ARE_PRIVATE_EXTERN': 'YES',
            'CLANG_CXX_LANGUAGE_STANDARD': 'c++17',
            'MACOSX_DEPLOYMENT_TARGET': '11.0'
          }
        }],
        ['OS=="win"', {
          'msvs_settings': {
            'VCCLCompilerTool': {
              'ExceptionHandling': 1,
              'RuntimeTypeInfo': 'true',
              'AdditionalOptions': ['/std:c++17', '/utf-8']
            }
          }
        }]
      ]
    }
  ]
}
