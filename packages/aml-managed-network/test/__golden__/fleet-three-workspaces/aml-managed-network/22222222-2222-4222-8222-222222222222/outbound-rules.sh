#!/bin/sh
# Azure ML managed virtual network of workspace 22222222-2222-4222-8222-222222222222: user-defined outbound rules (aml-egress, catalog 2026.3.0, docs of 2026-06-11).
# `az ml workspace outbound-rule set` creates or updates a rule by name: running this again is safe.
# Usage: WORKSPACE_NAME=<workspace name> RESOURCE_GROUP=<group> sh outbound-rules.sh
set -eu
: "${WORKSPACE_NAME:?set WORKSPACE_NAME to the workspace name}"
: "${RESOURCE_GROUP:?set RESOURCE_GROUP to the resource group of the workspace}"

# One way only: isolation cannot be turned off, nor go back from approved-only to internet outbound.
az ml workspace update --name "$WORKSPACE_NAME" --resource-group "$RESOURCE_GROUP" --managed-network allow_only_approved_outbound
