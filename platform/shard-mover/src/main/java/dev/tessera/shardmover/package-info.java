/** Moves a range of the orders data's logical shards from one database to another, online. */
package dev.tessera.shardmover;
