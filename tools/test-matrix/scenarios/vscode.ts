import { defineScenario, SUBNET, toHost } from '../src/scenario'

/** Firewall article, "Scenario: Visual Studio Code" (2026 host list). */
export const vscode = defineScenario({
  id: 'vscode',
  title: 'VS Code desktop and web on compute instances',
  profile: {
    workspaces: [
      {
        id: '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c',
        region: 'northeurope',
        storageAccounts: ['contosomlsa'],
      },
    ],
    compute: ['computeInstance'],
    features: { vscode: true },
    sourceAddresses: [SUBNET],
  },
  mustAllow: [
    toHost('insiders.vscode.dev', 443, '*.vscode.dev (VS Code for the Web)'),
    toHost('main.vscode-cdn.net', 443, '*.vscode-cdn.net'),
    toHost('default.exp-tas.com', 443, 'experiments service'),
    toHost('code.visualstudio.com', 443, 'VS Code desktop download'),
    toHost('update.code.visualstudio.com', 443, 'VS Code server bits'),
    toHost('az764295.vo.msecnd.net', 443, '*.vo.msecnd.net server bits'),
    toHost('marketplace.visualstudio.com', 443, 'extensions'),
    toHost('vscode.blob.core.windows.net', 443, 'extensions storage'),
    toHost('ms-toolsai.gallerycdn.vsassets.io', 443, '*.gallerycdn.vsassets.io'),
    toHost('vscode.download.prss.microsoft.com', 443, 'download CDN (2025)'),
  ],
  mustDeny: [
    toHost('vscode.dev', 443, 'apex of *.vscode.dev'),
    toHost('code.visualstudio.com', 80, 'right host, wrong port'),
    toHost('github.com', 443, 'websocket server bits: only for interactive jobs, not enabled'),
    toHost('raw.githubusercontent.com', 443, 'the pre-2025 websocket host'),
    toHost('marketplace.visualstudio.com.evil.example', 443, 'suffix look-alike'),
  ],
})
