/**
 * What `import … from 'topolab'` gives a scenario author: `defineScenario` and the types of
 * the context. (`topolab run` resolves the specifier `topolab` to the runtime itself, so a
 * scenario file anywhere runs without installing anything; this module is for type-checking.)
 */
export { defineScenario, isScenario } from '@topolab/runtime';
export type {
  Expectation,
  Figure,
  RecordedRequest,
  Scenario,
  ScenarioContext,
  ScenarioControls,
  ScenarioDefinition,
  ScenarioGateway,
  ScenarioInstance,
  ScenarioModes,
  ScenarioPhone,
  ScenarioTopology,
  ScenarioUser,
  ScenarioUsers,
  ScenarioWebSocket,
  ScenarioWebSocketOptions,
  WebSocketClose,
  ChatClientFrame,
  ChatServerFrame,
  WaitForOptions,
  GatewayRequest,
  GatewayResponse,
  Hop,
  TopologyModes,
  AuthModeName,
  DiscoveryModeName,
  ServiceName,
} from '@topolab/runtime';
