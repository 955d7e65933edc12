import { readFileSync } from 'node:fs'
import { deniedSummary, readLogText } from '@aml-egress/test-matrix'
import { describe, expect, it } from 'vitest'
import { hubbleFlowLog, podLabels } from './hubbleLog'

const fixture = (name: string) =>
  readFileSync(new URL(`../test/fixtures/logs/${name}`, import.meta.url), 'utf8')

/** A Hubble flow as `-o jsonpb` prints it, from the fields a test needs. */
function flowLine(flow: Record<string, unknown>): string {
  return JSON.stringify({
    flow: {
      time: '2025-06-02T09:14:03.120455120Z',
      verdict: 'DROPPED',
      drop_reason_desc: 'POLICY_DENIED',
      ...flow,
    },
  })
}

const trainer = {
  namespace: 'aml-jobs',
  labels: [
    'k8s:app=trainer',
    'k8s:io.kubernetes.pod.namespace=aml-jobs',
    'k8s:pod-template-hash=7f9c5d',
  ],
}

describe('hubble flow reader', () => {
  it('returns the policy drops of the jsonpb sample: a DNS-proxy refusal by name, then by destination_names and address', async () => {
    const result = await readLogText(hubbleFlowLog, fixture('hubble-observe.jsonpb.jsonl'), 333)
    expect(result.denied.map(deniedSummary)).toStrictEqual([
      'pypi.org.:-/TCP',
      'pypi.org:443/TCP',
      'westeurope.api.azureml.ms:443/TCP',
      '20.60.128.4:445/TCP',
      'www.example.com:443/UDP',
    ])
    expect(result.ignored).toBe(3)
    expect(result.malformed).toStrictEqual([])
    expect(result.denied[1]).toMatchObject({
      time: Date.UTC(2025, 5, 2, 9, 14, 3, 120),
      source: '10.244.1.37',
      sourcePod: { namespace: 'aml-jobs', labels: { app: 'trainer' } },
    })
  })

  it('returns the same from the legacy bare-Flow output', async () => {
    const result = await readLogText(hubbleFlowLog, fixture('hubble-observe.json-legacy.jsonl'))
    expect(result.denied.map(deniedSummary)).toStrictEqual(['pypi.org.:-/TCP', 'pypi.org:443/TCP'])
    expect(result.ignored).toBe(2)
  })

  it('returns an in-cluster drop as the destination pod, and the API server by its reserved label', async () => {
    const text = [
      flowLine({
        IP: { source: '10.244.0.20', destination: '10.244.2.9' },
        l4: { TCP: { source_port: 40000, destination_port: 5001 } },
        source: { namespace: 'azureml', labels: ['k8s:app=azureml-fe'] },
        destination: {
          namespace: 'models',
          labels: [
            'k8s:app=model-a',
            'k8s:pod-template-hash=abc',
            'k8s:io.cilium.k8s.policy.cluster=default',
          ],
        },
        traffic_direction: 'INGRESS',
      }),
      flowLine({
        IP: { source: '10.244.0.20', destination: '10.0.0.1' },
        l4: { TCP: { destination_port: 443 } },
        source: trainer,
        destination: { identity: 7, labels: ['reserved:kube-apiserver'] },
      }),
      flowLine({
        IP: { source: 'fd00::5', destination: '2603:1020:207::10' },
        l4: { TCP: { destination_port: 445 } },
        source: trainer,
        destination: { labels: ['reserved:world'] },
      }),
      flowLine({
        IP: { source: '10.244.0.20', destination: '8.8.8.8' },
        l4: { ICMPv4: { type: 8 } },
        source: trainer,
      }),
    ].join('\n')
    const result = await readLogText(hubbleFlowLog, text)
    expect(result.denied.map(deniedSummary)).toStrictEqual([
      'pod:models/app=model-a:5001/TCP',
      'apiserver:10.0.0.1:443/TCP',
      '2603:1020:207::10:445/TCP',
      '8.8.8.8:-/ICMP',
    ])
    expect(result.denied[0]?.sourcePod).toStrictEqual({
      namespace: 'azureml',
      labels: { app: 'azureml-fe' },
    })
  })

  it('ignores forwarded flows and drops that are not policy; counts malformed and truncated records', async () => {
    const text = [
      flowLine({ verdict: 'FORWARDED', drop_reason_desc: undefined }),
      flowLine({
        drop_reason_desc: 'CT_MAP_INSERTION_FAILED',
        l4: { TCP: { destination_port: 443 } },
      }),
      '{"node_status":{"state":"NODE_CONNECTED"}}',
      '{"something":"else"}',
      flowLine({ IP: { destination: '1.2.3.4' }, l4: { TCP: {} } }),
      flowLine({ destination_names: ['pypi.org'], l4: { TCP: { destination_port: 443 } } }).slice(
        0,
        80,
      ),
    ].join('\n')
    const result = await readLogText(hubbleFlowLog, text)
    expect(result.denied).toStrictEqual([])
    expect(result.ignored).toBe(3)
    expect(result.malformed.map((m) => m.at)).toStrictEqual([4, 5, 6])
  })

  it('keeps Kubernetes labels that identify a workload and drops the volatile ones', () => {
    expect(
      podLabels([
        'k8s:app=x',
        'k8s:pod-template-hash=1',
        'k8s:io.kubernetes.pod.namespace=n',
        'reserved:world',
        'k8s:tier',
      ]),
    ).toStrictEqual({ app: 'x', tier: '' })
  })

  it('detects both output shapes and nothing else', () => {
    expect(hubbleFlowLog.detect(fixture('hubble-observe.jsonpb.jsonl'))).toBe(true)
    expect(hubbleFlowLog.detect(fixture('hubble-observe.json-legacy.jsonl'))).toBe(true)
    expect(hubbleFlowLog.detect('{"category":"AZFWNetworkRule"}')).toBe(false)
  })
})
