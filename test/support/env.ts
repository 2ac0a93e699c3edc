// The SDK warns once per process that releases after January 2027 need Node 22 (README "Requirements").
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
